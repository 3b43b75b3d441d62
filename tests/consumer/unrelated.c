/* SPDX-License-Identifier: BSD-3-Clause */
/* A program of the consumer project that does not use the site. */
int main(void)
{
    return 0;
}
