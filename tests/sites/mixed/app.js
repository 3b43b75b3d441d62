var t = document.getElementById("t") || document.getElementById("up");
t.textContent = new Date().toISOString();
