// Fitting a diagram to its canvas (editor and instance view): the whole diagram when it can be
// read so, else a readable scale centred on the element that matters (the failed or active
// one, else the first start event); the 适应 / + / − buttons of [data-zoom] zoom it afterwards.
window.bpmnFit = function (viewer, focusIds) {
  'use strict';
  const READABLE = 0.7;
  const canvas = viewer.get('canvas');
  const registry = viewer.get('elementRegistry');

  function fit() {
    canvas.zoom('fit-viewport', 'auto');
    const box = canvas.viewbox();
    if (box.scale >= READABLE) return;
    const width = box.outer.width / READABLE;
    const height = box.outer.height / READABLE;
    const focus = (focusIds || []).map(function (id) { return registry.get(id); })
      .find(function (el) { return el && el.width; });
    const start = registry.find(function (el) { return el.type === 'bpmn:StartEvent'; });
    const left = Math.max(box.inner.x - 160 / READABLE, start ? start.x - 160 / READABLE : -Infinity); // clear of the palette
    const x = focus ? focus.x + focus.width / 2 - width / 2 : left;
    const y = focus ? focus.y + focus.height / 2 - height / 2 : box.inner.y - 40 / READABLE;
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
