// Fitting a diagram to its canvas (editor and instance view): the whole diagram, clear of the
// palette, when it can be read so; else a readable scale showing the element that matters (the
// failed or active one, else the first start event); the [data-zoom] buttons zoom afterwards.
window.bpmnFit = function (viewer, focusIds, options) {
  'use strict';
  const READABLE = 0.7;
  const PAD = 30;
  const left = (options && options.palette) ? 140 : PAD; // the editor's palette covers the left
  const canvas = viewer.get('canvas');
  const registry = viewer.get('elementRegistry');

  function fit() {
    const box = canvas.viewbox();
    const inner = box.inner;
    const outer = box.outer;
    const fits = Math.min(1, (outer.width - left - PAD) / inner.width, (outer.height - 2 * PAD) / inner.height);
    const scale = Math.max(fits, READABLE);
    const width = outer.width / scale;
    const height = outer.height / scale;
    let x = inner.x - left / scale;
    let y = inner.y - PAD / scale;
    if (fits >= READABLE) {
      x -= Math.max(0, (outer.width - left - PAD) / scale - inner.width) / 2;
    } else {
      const focus = (focusIds || []).map(function (id) { return registry.get(id); })
        .find(function (el) { return el && el.width; });
      if (focus) {
        x = Math.max(x, focus.x + focus.width / 2 - width / 2);
        y = Math.max(y, focus.y + focus.height / 2 - height / 2);
      }
    }
    canvas.viewbox({ x: x, y: y, width: width, height: height });
  }

  fit();
  document.querySelectorAll('[data-zoom]').forEach(function (button) {
    button.addEventListener('click', function () {
      const step = { in: 1.25, out: 0.8 }[button.dataset.zoom];
      if (step) canvas.zoom(canvas.zoom() * step);
      else fit();
    });
  });
  window.addEventListener('resize', function () { canvas.resized(); });
  return fit;
};
