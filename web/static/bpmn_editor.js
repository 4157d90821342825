// The process editor (流程编辑): the bpmn-js modeler with its properties panel and the engine's
// own section (editor_panel.js); 检查 posts the diagram to the deploy validation and marks each
// failing element with its message; 保存并部署 checks first, then posts the deploy form (an
// unchanged diagram sends its text as loaded, so the server answers "unchanged").
(async function () {
  'use strict';
  const config = document.getElementById('editor-config').dataset;
  const L = JSON.parse(config.labels);
  const words = JSON.parse(config.translations);
  const canvasEl = document.getElementById('canvas');
  const status = document.getElementById('check-status');
  const list = document.getElementById('check-problems');
  const original = document.getElementById('diagram-xml').textContent;
  const csrf = document.querySelector('meta[name=csrf-token]').content;

  function translate(template, replacements) {
    // bpmn-js's translate service: its English labels in the page's language.
    return (words[template] || template).replace(/{([^}]+)}/g, function (_, key) {
      return (replacements || {})[key] !== undefined ? replacements[key] : '{' + key + '}';
    });
  }
  function keepUnresolvedReferences(warnings) {
    // bpmn-moddle drops a reference it cannot resolve, such as SpiffWorkflow's
    // <loopDataInputRef>units</loopDataInputRef> (a variable name, not an element id); a
    // stand-in with that id is written back as the same text.
    const moddle = modeler.get('moddle');
    warnings.forEach(function (w) {
      if (!w.element || !w.property || !w.value || !/^unresolved reference/.test(w.message)) return;
      const standIn = moddle.create('bpmn:DataInput', { id: w.value });
      const descriptor = w.element.$descriptor.propertiesByName[w.property];
      if (descriptor && descriptor.isMany) w.element.get(w.property).push(standIn);
      else w.element.set(w.property, standIn);
    });
  }
  async function getJSON(url) {
    const answer = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
    return answer.json();
  }

  const modeler = new BpmnJS({
    container: canvasEl,
    propertiesPanel: { parent: '#properties-panel' },
    additionalModules: [
      BpmnJSPropertiesPanel.BpmnPropertiesPanelModule,
      BpmnJSPropertiesPanel.BpmnPropertiesProviderModule,
      { translate: ['value', translate] }
    ],
    moddleExtensions: { spiffworkflow: window.ZhuxinSpiffModdle }
  });
  window.bpmnViewer = modeler; // for the browser tests and the console
  try {
    keepUnresolvedReferences((await modeler.importXML(original)).warnings);
  } catch (err) {
    canvasEl.textContent = String(err);
    return;
  }
  window.bpmnFit(modeler, [], { palette: true });
  const [connectors, roles] = await Promise.all([getJSON(config.connectorsUrl), getJSON(config.rolesUrl)]);
  window.ZhuxinPanel(modeler, document.getElementById('zhuxin-panel'),
    { labels: L, connectors: connectors.connectors || [], roles: roles.roles || [] });

  // -- 检查 --------------------------------------------------------------------------------------
  const registry = modeler.get('elementRegistry');
  const overlays = modeler.get('overlays');
  const canvas = modeler.get('canvas');
  let marked = [];

  function shapeFor(id) {
    // The drawn element of a problem: the element itself, or the one owning the event
    // definition, expression or extension the id names.
    if (!id) return null;
    return registry.get(id) || registry.find(function (el) {
      const bo = el.businessObject || {};
      return (bo.eventDefinitions || []).some(function (d) { return d.id === id; }) ||
        (bo.conditionExpression && bo.conditionExpression.id === id) ||
        (bo.loopCharacteristics && bo.loopCharacteristics.id === id);
    }) || null;
  }
  function clearMarks() {
    marked.forEach(function (id) { if (registry.get(id)) canvas.removeMarker(id, 'check-error'); });
    overlays.remove({ type: 'check-error' });
    marked = [];
    list.replaceChildren();
    list.hidden = true;
  }
  function showProblems(problems) {
    problems.forEach(function (p) {
      const shape = shapeFor(p.element);
      const item = document.createElement('li');
      const where = document.createElement(shape ? 'a' : 'strong');
      where.textContent = shape ? shape.id : (p.element || L.diagramLevel);
      if (shape) {
        where.href = '#';
        where.addEventListener('click', function (e) {
          e.preventDefault();
          modeler.get('selection').select(shape);
          canvas.scrollToElement(shape);
        });
        canvas.addMarker(shape.id, 'check-error');
        marked.push(shape.id);
        const note = document.createElement('div');
        note.className = 'check-error-note';
        note.textContent = p.message;
        overlays.add(shape.id, 'check-error', { position: { top: -6, left: 0 }, html: note });
      }
      item.append(where, document.createTextNode(': ' + p.message));
      list.append(item);
    });
    list.hidden = problems.length === 0;
  }
  async function check() {
    clearMarks();
    status.className = '';
    status.textContent = L.checking;
    const { xml } = await modeler.saveXML({ format: true });
    let body;
    try {
      const answer = await fetch(config.validateUrl, {
        method: 'POST', body: xml, credentials: 'same-origin',
        headers: { 'Content-Type': 'application/xml', Accept: 'application/json', 'X-CSRFToken': csrf }
      });
      body = await answer.json();
    } catch (err) {
      status.className = 'check-failed';
      status.textContent = L.checkError;
      return false;
    }
    if (body.ok) {
      status.className = 'check-ok';
      status.textContent = L.checkOk.replace('{p}', body.process_id);
      return true;
    }
    const problems = body.problems || [{ element: null, message: body.message }];
    status.className = 'check-failed';
    status.textContent = L.checkFailed.replace('{n}', problems.length);
    showProblems(problems);
    return false;
  }
  document.getElementById('check-diagram').addEventListener('click', check);

  // -- 保存并部署 ----------------------------------------------------------------------------------
  const form = document.getElementById('deploy-form');
  form.addEventListener('submit', async function (event) {
    event.preventDefault();
    const changed = modeler.get('commandStack').canUndo();
    if (!(await check())) return;
    if (changed) {
      document.getElementById('xml-field').value = (await modeler.saveXML({ format: true })).xml;
    } else {
      document.getElementById('xml-field').value = original;
      status.textContent = L.unchanged;
    }
    form.submit();
  });
})();
