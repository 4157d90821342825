// Shows the diagram of #diagram-xml in #canvas: the viewer marks active tasks, the modeler
// puts the edited XML into #xml-field before the deploy form is submitted.
(async function () {
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
  canvas.zoom('fit-viewport');
  (canvasEl.dataset.active || '').split(',').filter(Boolean).forEach(function (id) {
    try { canvas.addMarker(id, 'active-task'); } catch (e) { /* not drawn */ }
  });
  const form = document.getElementById('deploy-form');
  if (form) {
    form.addEventListener('submit', async function (event) {
      event.preventDefault();
      const result = await viewer.saveXML({ format: true });
      document.getElementById('xml-field').value = result.xml;
      form.submit();
    });
  }
})();
