// The engine's own settings of the selected element (引擎设置), beside bpmn-js's properties
// panel: the service task's operator chosen from the registered connectors and its parameters,
// scripts and pre/post scripts, sequence-flow conditions, timers, a user task's instructions
// and form fields, a lane's role. Plain DOM (the panel's UMD bundle exports no entry components
// to build a group with); every edit goes through bpmn-js `modeling`, so it can be undone.
// Each input commits on `change` (when it loses focus), then the section is drawn again.
window.ZhuxinPanel = function (modeler, root, opts) {
  'use strict';
  const L = opts.labels;
  const modeling = modeler.get('modeling');
  const moddle = modeler.get('moddle');
  const registry = modeler.get('elementRegistry');
  const SPIFF = 'spiffworkflow:';
  const FIELD_TYPES = ['text', 'textarea', 'int', 'decimal', 'date', 'bool', 'choice:'];
  let selectedId = null;

  // -- DOM -------------------------------------------------------------------------------------
  function h(tag, attrs, children) {
    const el = document.createElement(tag);
    Object.entries(attrs || {}).forEach(function ([k, v]) {
      if (v === undefined || v === null || v === false) return;
      if (k === 'text') el.textContent = v;
      else if (k === 'on') Object.entries(v).forEach(function ([ev, fn]) { el.addEventListener(ev, fn); });
      else if (k === 'value') el.value = v;
      else el.setAttribute(k, v === true ? '' : v);
    });
    (children || []).forEach(function (c) { if (c) el.append(c); });
    return el;
  }
  function field(id, label, input, hint) {
    return h('div', { class: 'zx-field' }, [h('label', { for: id, text: label }), input,
      hint ? h('small', { class: 'muted', text: hint }) : null]);
  }
  function textarea(id, value, commit, rows) {
    return h('textarea', { id: id, rows: rows || 3, spellcheck: 'false', value: value || '',
      on: { change: function (e) { commit(e.target.value); } } });
  }
  function input(id, value, commit, extra) {
    return h('input', Object.assign({ id: id, value: value || '', autocomplete: 'off',
      on: { change: function (e) { commit(e.target.value); } } }, extra || {}));
  }
  function select(id, value, choices, commit) {
    return h('select', { id: id, on: { change: function (e) { commit(e.target.value); } } },
      choices.map(function ([v, text]) { return h('option', { value: v, text: text, selected: v === value }); }));
  }
  function button(id, text, onClick) {
    return h('button', { type: 'button', id: id, class: 'small secondary', text: text, on: { click: onClick } });
  }

  // -- moddle ----------------------------------------------------------------------------------
  function is(bo, type) { return bo && bo.$instanceOf && bo.$instanceOf(type); }
  function extValues(bo) { return (bo.extensionElements && bo.extensionElements.values) || []; }
  function findExt(bo, type) { return extValues(bo).find(function (v) { return v.$type === SPIFF + type; }); }
  function setExt(element, type, next) {
    // Put `next` where the element of `type` was (or last); null removes it.
    const bo = element.businessObject;
    const old = findExt(bo, type);
    let list = extValues(bo).slice();
    if (old) list = list.flatMap(function (v) { return v === old ? (next ? [next] : []) : [v]; });
    else if (next) list.push(next);
    if (!bo.extensionElements) {
      modeling.updateProperties(element, { extensionElements: moddle.create('bpmn:ExtensionElements', { values: list }) });
    } else {
      modeling.updateModdleProperties(element, bo.extensionElements, { values: list });
    }
  }
  function setText(element, type, text) {
    const old = findExt(element.businessObject, type);
    if (!text.trim()) { if (old) setExt(element, type, null); return; }
    if (old) modeling.updateModdleProperties(element, old, { value: text });
    else setExt(element, type, moddle.create(SPIFF + type, { value: text }));
  }
  function expression(text) {
    return text.trim() ? moddle.create('bpmn:FormalExpression', { body: text }) : undefined;
  }

  // -- sections --------------------------------------------------------------------------------
  function scripts(element, parts) {
    const bo = element.businessObject;
    ['PreScript', 'PostScript'].forEach(function (type) {
      const key = type.charAt(0).toLowerCase() + type.slice(1);
      const found = findExt(bo, type);
      parts.push(field('zx-' + key, L[key], textarea('zx-' + key, found && found.value, function (v) {
        setText(element, type, v);
      }, 2)));
    });
  }

  function serviceTask(element, parts) {
    const bo = element.businessObject;
    const op = findExt(bo, 'ServiceTaskOperator');
    const current = op ? op.id || '' : '';
    const known = opts.connectors.map(function (c) { return c.operator; });
    const choices = [['', L.noOperator]].concat(known.map(function (n) { return [n, n]; }));
    if (current && known.indexOf(current) < 0) choices.push([current, current + ' — ' + L.unknownOperator]);
    parts.push(field('zx-operator', L.operator, select('zx-operator', current, choices, function (v) {
      chooseOperator(element, v);
    })));
    if (!op) return;
    parts.push(field('zx-result', L.resultVariable, input('zx-result', op.resultVariable, function (v) {
      modeling.updateModdleProperties(element, op, { resultVariable: v.trim() || undefined });
    })));
    const rows = ((op.parameters && op.parameters.parameter) || []).map(function (p, i) {
      function commit(key) {
        return function (v) { const o = {}; o[key] = v.trim(); modeling.updateModdleProperties(element, p, o); };
      }
      return h('tr', {}, [
        h('td', {}, [input('zx-param-id-' + i, p.id, commit('id'), { 'aria-label': L.paramId })]),
        h('td', {}, [input('zx-param-type-' + i, p.type, commit('type'), { 'aria-label': L.paramType, class: 'zx-short' })]),
        h('td', {}, [input('zx-param-value-' + i, p.value, commit('value'), { 'aria-label': L.paramValue })]),
        h('td', {}, [button('zx-param-remove-' + i, '×', function () { editParameters(element, op, i, null); })])
      ]);
    });
    parts.push(h('fieldset', { class: 'zx-table' }, [h('legend', { text: L.parameters }),
      h('table', {}, [h('thead', {}, [h('tr', {}, [L.paramId, L.paramType, L.paramValue, ''].map(function (t) {
        return h('th', { text: t });
      }))]), h('tbody', {}, rows)]),
      button('zx-param-add', L.addParam, function () {
        editParameters(element, op, -1, moddle.create(SPIFF + 'Parameter', { id: 'name', type: 'str', value: "''" }));
      })]));
  }

  function parameterList(specs, old) {
    // The catalogue's parameters of the operator, keeping the values already written.
    const byId = {};
    old.forEach(function (p) { byId[p.id] = p; });
    if (!specs.length) return old;
    return specs.map(function (s) {
      return moddle.create(SPIFF + 'Parameter', { id: s.id, type: s.type, value: byId[s.id] ? byId[s.id].value : s.value });
    });
  }

  function chooseOperator(element, name) {
    const bo = element.businessObject;
    const op = findExt(bo, 'ServiceTaskOperator');
    if (!name) { setExt(element, 'ServiceTaskOperator', null); return; }
    const entry = opts.connectors.find(function (c) { return c.operator === name; });
    const old = (op && op.parameters && op.parameters.parameter) || [];
    const params = moddle.create(SPIFF + 'Parameters', { parameter: parameterList(entry ? entry.parameters : [], old) });
    if (op) modeling.updateModdleProperties(element, op, { id: name, parameters: params });
    else setExt(element, 'ServiceTaskOperator', moddle.create(SPIFF + 'ServiceTaskOperator', { id: name, parameters: params }));
  }

  function editParameters(element, op, index, added) {
    const list = ((op.parameters && op.parameters.parameter) || []).slice();
    if (added) list.push(added); else list.splice(index, 1);
    modeling.updateModdleProperties(element, op, { parameters: moddle.create(SPIFF + 'Parameters', { parameter: list }) });
  }

  function userTask(element, parts) {
    const bo = element.businessObject;
    const found = findExt(bo, 'InstructionsForEndUser');
    parts.push(field('zx-instructions', L.instructions, textarea('zx-instructions', found && found.value, function (v) {
      setText(element, 'InstructionsForEndUser', v);
    })));
    const props = findExt(bo, 'Properties');
    const all = (props && props.property) || [];
    const rows = [];
    all.forEach(function (p, i) {
      if (!(p.name || '').startsWith('field.')) return;
      const [type, label, flag] = (p.value || '').split('|');
      function commit(part) {
        return function (v) {
          const now = { name: p.name.slice(6), type: type || 'text', label: label || '', required: flag === 'required' };
          now[part] = v;
          modeling.updateModdleProperties(element, p, { name: 'field.' + String(now.name).trim(),
            value: [now.type, now.label, now.required ? 'required' : ''].join('|').replace(/\|$/, '') });
        };
      }
      const typeChoices = FIELD_TYPES.map(function (t) { return [t, t]; });
      if (type && FIELD_TYPES.indexOf(type) < 0) typeChoices.push([type, type]);
      rows.push(h('tr', {}, [
        h('td', {}, [input('zx-field-name-' + i, p.name.slice(6), commit('name'), { 'aria-label': L.fieldName })]),
        h('td', {}, [select('zx-field-type-' + i, type || 'text', typeChoices, commit('type'))]),
        h('td', {}, [input('zx-field-label-' + i, label, commit('label'), { 'aria-label': L.fieldLabel })]),
        h('td', {}, [h('input', { type: 'checkbox', id: 'zx-field-required-' + i, 'aria-label': L.fieldRequired,
          checked: flag === 'required', on: { change: function (e) { commit('required')(e.target.checked); } } })]),
        h('td', {}, [button('zx-field-remove-' + i, '×', function () { editProperties(element, props, all.filter(function (q) { return q !== p; })); })])
      ]));
    });
    parts.push(h('fieldset', { class: 'zx-table' }, [h('legend', { text: L.fields }),
      rows.length ? h('table', {}, [h('thead', {}, [h('tr', {}, [L.fieldName, L.fieldType, L.fieldLabel, L.fieldRequired, ''].map(function (t) {
        return h('th', { text: t });
      }))]), h('tbody', {}, rows)]) : h('small', { class: 'muted', text: L.approvalHint }),
      button('zx-field-add', L.addField, function () {
        const n = rows.length + 1;
        editProperties(element, props, all.concat([moddle.create(SPIFF + 'Property', { name: 'field.field' + n, value: 'text|' + L.fieldLabel + ' ' + n })]));
      })]));
  }

  function editProperties(element, props, list) {
    const next = moddle.create(SPIFF + 'Properties', { property: list });
    if (props) modeling.updateModdleProperties(element, props, { property: list });
    else setExt(element, 'Properties', next);
  }

  function timer(element, def, parts) {
    const kinds = ['timeDuration', 'timeDate', 'timeCycle'];
    const kind = kinds.find(function (k) { return def[k]; }) || 'timeDuration';
    const value = def[kind] ? def[kind].body : '';
    function commit(k, v) {
      const o = { timeDuration: undefined, timeDate: undefined, timeCycle: undefined };
      o[k] = expression(v);
      modeling.updateModdleProperties(element, def, o);
    }
    parts.push(field('zx-timer-type', L.timerType, select('zx-timer-type', kind, kinds.map(function (k) { return [k, L[k]]; }),
      function (k) { commit(k, value || ''); })));
    parts.push(field('zx-timer-value', L.timerValue, input('zx-timer-value', value, function (v) { commit(kind, v); }),
      L.timerHint));
  }

  function lane(element, parts) {
    const name = element.businessObject.name || '';
    const choices = [['', L.noOperator]].concat(opts.roles.map(function (r) { return [r.code, r.label + ' (' + r.code + ')']; }));
    if (name && !opts.roles.some(function (r) { return r.code === name; })) choices.push([name, name + ' — ' + L.unknownRole]);
    parts.push(field('zx-lane-role', L.lane, select('zx-lane-role', name, choices, function (v) {
      modeling.updateProperties(element, { name: v });
    }), L.laneHint));
  }

  // A user task's lane (its role) in a diagram whose lanes are not drawn: the task moves to the
  // lane named by the chosen role (made when the process has none). Drawn lanes are changed by
  // moving the task into another lane, as bpmn-js then rewrites the lanes' flowNodeRef.
  function processOf(bo) {
    let node = bo;
    while (node && !is(node, 'bpmn:Process')) node = node.$parent;
    return node;
  }
  function lanesOf(process) {
    const found = [];
    (function walk(sets) {
      (sets || []).forEach(function (set) {
        (set.lanes || []).forEach(function (l) { found.push(l); walk(l.childLaneSet ? [l.childLaneSet] : []); });
      });
    })(process.laneSets);
    return found;
  }
  function taskLane(element, parts) {
    const bo = element.businessObject;
    const process = processOf(bo);
    if (!process) return;
    const lanes = lanesOf(process);
    const current = lanes.find(function (l) { return (l.flowNodeRef || []).indexOf(bo) >= 0; });
    const name = current ? current.name || '' : '';
    if (current && registry.get(current.id)) {
      parts.push(field('zx-task-lane', L.lane, h('input', { id: 'zx-task-lane', value: name, readonly: true }), L.laneDrawn));
      return;
    }
    const choices = [['', L.noOperator]].concat(opts.roles.map(function (r) { return [r.code, r.label + ' (' + r.code + ')']; }));
    if (name && !opts.roles.some(function (r) { return r.code === name; })) choices.push([name, name + ' — ' + L.unknownRole]);
    parts.push(field('zx-task-lane', L.lane, select('zx-task-lane', name, choices, function (code) {
      if (current) modeling.updateModdleProperties(element, current, { flowNodeRef: current.flowNodeRef.filter(function (n) { return n !== bo; }) });
      if (!code) return;
      const target = lanes.find(function (l) { return l.name === code; });
      if (target) {
        modeling.updateModdleProperties(element, target, { flowNodeRef: (target.flowNodeRef || []).concat([bo]) });
        return;
      }
      const lane = moddle.create('bpmn:Lane', { id: moddle.ids.nextPrefixed('Lane_', {}), name: code, flowNodeRef: [bo] });
      const set = (process.laneSets || [])[0];
      if (set) {
        lane.$parent = set;
        modeling.updateModdleProperties(element, set, { lanes: (set.lanes || []).concat([lane]) });
      } else {
        const made = moddle.create('bpmn:LaneSet', { id: moddle.ids.nextPrefixed('LaneSet_', {}), lanes: [lane] });
        lane.$parent = made;
        made.$parent = process;
        modeling.updateModdleProperties(element, process, { laneSets: [made] });
      }
    }), L.laneHint));
  }

  function sections(element) {
    const bo = element.businessObject;
    const parts = [];
    if (is(bo, 'bpmn:Lane')) lane(element, parts);
    if (is(bo, 'bpmn:SequenceFlow')) {
      parts.push(field('zx-condition', L.condition, textarea('zx-condition', bo.conditionExpression && bo.conditionExpression.body,
        function (v) { modeling.updateProperties(element, { conditionExpression: expression(v) }); }, 2), L.conditionHint));
    }
    if (is(bo, 'bpmn:ServiceTask')) serviceTask(element, parts);
    if (is(bo, 'bpmn:ScriptTask')) {
      parts.push(field('zx-script', L.script, textarea('zx-script', bo.script, function (v) {
        modeling.updateProperties(element, { scriptFormat: 'python', script: v });
      }, 5)));
    }
    if (is(bo, 'bpmn:UserTask')) { taskLane(element, parts); userTask(element, parts); }
    (bo.eventDefinitions || []).forEach(function (def) {
      if (is(def, 'bpmn:TimerEventDefinition')) timer(element, def, parts);
    });
    if (is(bo, 'bpmn:Activity')) scripts(element, parts);
    return parts;
  }

  function render() {
    const focused = document.activeElement && root.contains(document.activeElement) ? document.activeElement.id : null;
    const element = selectedId && registry.get(selectedId);
    const parts = element ? sections(element) : [];
    root.replaceChildren(h('h4', { text: L.engine + (element ? ' · ' + element.id : '') }),
      ...(parts.length ? parts : [h('small', { class: 'muted', text: L.select })]));
    root.dataset.element = element ? element.id : '';
    if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
  }

  modeler.on('selection.changed', function (e) {
    selectedId = e.newSelection.length === 1 ? e.newSelection[0].id : null;
    render();
  });
  modeler.on('element.updateId', function (e) {
    if (e.element.id === selectedId) selectedId = e.newId;
  });
  modeler.on('elements.changed', function (e) {
    if (e.elements.some(function (el) { return el.id === selectedId; })) render();
  });
  render();
  return { render: render };
};
