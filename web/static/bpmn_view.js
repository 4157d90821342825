// The instance view's diagram (流程实例): the viewer shows #diagram-xml in #canvas fitted to the
// screen (bpmn_fit.js) and colours the elements the page lists: completed, active (waiting) and failed.
(async function () {
  'use strict';
  const canvasEl = document.getElementById('canvas');
  const xml = document.getElementById('diagram-xml').textContent;
  const viewer = new BpmnJS({ container: canvasEl });
  window.bpmnViewer = viewer; // for the browser tests and the console
  try {
    await viewer.importXML(xml);
  } catch (err) {
    canvasEl.textContent = String(err);
    return;
  }
  const canvas = viewer.get('canvas');
  const registry = viewer.get('elementRegistry');
  [['completed', 'completed-task'], ['active', 'active-task'], ['failed', 'failed-task']].forEach(function ([key, marker]) {
    (canvasEl.dataset[key] || '').split(',').filter(Boolean).forEach(function (id) {
      if (registry.get(id)) canvas.addMarker(id, marker);
    });
  });
  const focus = ['failed', 'active'].flatMap(function (key) { return (canvasEl.dataset[key] || '').split(','); });
  window.bpmnFit(viewer, focus);
})();
