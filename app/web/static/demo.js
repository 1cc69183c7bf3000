// The demo page's "copy the snippet" buttons; the page works without it.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) return;
  const code = document.getElementById(button.dataset.copy);
  const status = document.getElementById("copied");
  try {
    await navigator.clipboard.writeText(code.textContent);
    status.textContent = "The snippet is copied.";
  } catch {
    const range = document.createRange();
    range.selectNodeContents(code);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    status.textContent = "The snippet is selected: press Ctrl+C or ⌘C to copy it.";
  }
});
