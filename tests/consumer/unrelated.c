/* A program of the consumer project that does not use the site. */
int main(void)
{
    return 0;
}
