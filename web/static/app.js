// Behaviour the pages declare with data attributes (no inline handlers: the CSP forbids them).
document.addEventListener("click", (event) => {
  const ask = event.target.closest("[data-confirm]");
  if (ask && !window.confirm(ask.dataset.confirm)) event.preventDefault();
  const all = event.target.closest("[data-check-all]");
  if (all) {
    document.querySelectorAll(`input[name="${all.dataset.checkAll}"]`)
      .forEach((box) => { box.checked = all.checked; });
  }
});
