// The spiffworkflow extension elements the engine reads (engine/definitions.py, engine/forms.py,
// SpiffWorkflow's spiff parser), as a bpmn-moddle descriptor: with it the modeler reads them
// as typed objects the properties panel edits. Each child property is named like its type, so
// it is read and written as the same tag.
window.ZhuxinSpiffModdle = {
  name: 'SpiffWorkflow',
  prefix: 'spiffworkflow',
  uri: 'http://spiffworkflow.org/bpmn/schema/1.0/core',
  xml: { tagAlias: 'lowerCase' },
  associations: [],
  types: [
    { name: 'ServiceTaskOperator', superClass: ['Element'], properties: [
      { name: 'id', isAttr: true, type: 'String' },
      { name: 'resultVariable', isAttr: true, type: 'String' },
      { name: 'parameters', type: 'Parameters' },
      { name: 'retry', type: 'Retry' }] },
    { name: 'Parameters', superClass: ['Element'], properties: [
      { name: 'parameter', type: 'Parameter', isMany: true }] },
    { name: 'Parameter', superClass: ['Element'], properties: [
      { name: 'id', isAttr: true, type: 'String' },
      { name: 'type', isAttr: true, type: 'String' },
      { name: 'value', isAttr: true, type: 'String' }] },
    { name: 'Retry', superClass: ['Element'], properties: [
      { name: 'retries', isAttr: true, type: 'String' },
      { name: 'backoff_base', isAttr: true, type: 'String' }] },
    { name: 'Properties', superClass: ['Element'], properties: [
      { name: 'property', type: 'Property', isMany: true }] },
    { name: 'Property', superClass: ['Element'], properties: [
      { name: 'name', isAttr: true, type: 'String' },
      { name: 'value', isAttr: true, type: 'String' }] },
    { name: 'PreScript', superClass: ['Element'], properties: [{ name: 'value', isBody: true, type: 'String' }] },
    { name: 'PostScript', superClass: ['Element'], properties: [{ name: 'value', isBody: true, type: 'String' }] },
    { name: 'InstructionsForEndUser', superClass: ['Element'], properties: [{ name: 'value', isBody: true, type: 'String' }] },
    { name: 'MessagePayload', superClass: ['Element'], properties: [{ name: 'value', isBody: true, type: 'String' }] },
    { name: 'MessageVariable', superClass: ['Element'], properties: [{ name: 'value', isBody: true, type: 'String' }] }
  ]
};
