// Progressive enhancement: Copy buttons, and the branding preview. Without script the page still works.
for (const button of document.querySelectorAll("button[data-copy]")) {
  button.hidden = false;
  button.addEventListener("click", () => {
    const done = () => {
      button.textContent = "Copied";
      setTimeout(() => {
        button.textContent = "Copy";
      }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(button.dataset.copy).then(done, () => {});
      return;
    }
    // Plain http (a local run): the clipboard API is unavailable, the old way still works.
    const text = document.createElement("textarea");
    text.value = button.dataset.copy;
    document.body.appendChild(text);
    text.select();
    try {
      document.execCommand("copy");
      done();
    } catch {}
    text.remove();
  });
}
const preview = document.getElementById("branding-preview");
if (preview) {
  const form = preview.closest("form") || document;
  const update = () => {
    for (const input of form.querySelectorAll("input[type=color]")) preview.style.setProperty(`--${input.name}`, input.value);
    const name = form.querySelector("input[name=display_name]");
    if (name) preview.querySelector(".name").textContent = name.value || "Your app";
  };
  form.addEventListener("input", update);
  update();
}
