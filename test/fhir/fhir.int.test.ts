import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createAppointment, dayFromToday, serviceTypeId } from '../factories/appointments.js';
import { medicationId } from '../factories/attentions.js';
import { createPatient } from '../factories/patients.js';
import { createUser, type TestUser } from '../factories/users.js';
import { schemaErrors } from './fhir-schema.js';

type Res = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('FHIR R4 façade', () => {
  let t: TestApp;
  let asistente: TestUser;
  let doctor: TestUser;
  let admin: TestUser;
  let patient: Res;
  let attention: Res;
  let base: string;

  const fhir = async (url: string, user: TestUser = doctor) => {
    const res = await t.app.inject({ method: 'GET', url: `/fhir/r4${url}`, headers: user.headers });
    return res;
  };
  const valid = (resource: Res) => {
    expect(schemaErrors(resource), `${resource.resourceType}/${resource.id}`).toEqual([]);
  };

  beforeAll(async () => {
    t = await buildTestApp();
    base = `${t.config.PUBLIC_BASE_URL}/fhir/r4`;
    asistente = await createUser(t, 'ASISTENTE');
    doctor = await createUser(t, 'MEDICO', { nombres: 'Lucía', apellidoPaterno: 'Chunga', apellidoMaterno: 'Vílchez', cmp: '061234', especialidad: 'Medicina Interna' });
    admin = await createUser(t, 'ADMIN');
    patient = await createPatient(t, asistente, { alergias: [{ alergia: 'Penicilina', reaccion: 'Urticaria', severidad: 'GRAVE' }, { alergia: 'Látex', severidad: 'LEVE' }] });
    const appt = await createAppointment(t, asistente, { patient_id: patient.id, doctor_id: doctor.id, service_type_id: await serviceTypeId(t, asistente), fecha: dayFromToday(1), hora: '09:00' });
    const post = async (url: string, payload: object, method: 'POST' | 'PUT' = 'POST') => {
      const res = await t.app.inject({ method, url, headers: doctor.headers, payload });
      expect(res.statusCode, `${url} ${res.body}`).toBeLessThan(300);
      return res.json();
    };
    attention = await post('/api/v1/medical_attentions', { patient_id: patient.id, appointment_id: appt.id, tipoAtencion: 'CONSULTA', motivoConsulta: 'Tos y fiebre', fechaAtencion: `${dayFromToday(1)}T09:05:00-05:00` });
    const a = `/api/v1/medical_attentions/${attention.id}`;
    await post(`${a}/vitals`, { pa_sistolica: 125, pa_diastolica: 82, fc: 88, fr: 18, temp: 38.4, satO2: 96, peso: 72, talla: 1.68 });
    await post(`${a}/diagnoses`, { cie_code: 'J18.9', type: 'PRESUNTIVO' });
    await post(`${a}/diagnoses`, { cie_code: 'R50.9', type: 'DEFINITIVO' });
    await post(`${a}/diagnoses`, { cie_code: 'J45.9', type: 'DESCARTADO' });
    await post(`${a}/prescriptions`, { medicamento_id: await medicationId(t, doctor, 'paracetamol'), dosis: '500 mg', via: 'Oral', frecuencia: 'Cada 8 horas', duracion: '5 días', cantidad: 15 });
    await post(`${a}/orders`, { tipo: 'IMAGEN', detalle: 'Radiografía de tórax', procedure_code: '71046' });
    await post(`${a}/finalize`, {}, 'PUT');
  });
  afterAll(async () => t.close());

  it('publishes a CapabilityStatement without authentication', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/fhir/r4/metadata' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
    const cs = res.json();
    valid(cs);
    expect(cs.fhirVersion).toBe('4.0.1');
    expect(cs.rest[0].resource.map((r: Res) => r.type)).toEqual(expect.arrayContaining(['Patient', 'Encounter', 'Condition', 'Observation', 'MedicationRequest', 'ServiceRequest', 'AllergyIntolerance', 'Appointment', 'DocumentReference', 'Practitioner']));
  });

  it('reads a Patient that agrees with the REST view, and finds it by identifier and name', async () => {
    const rest = (await t.app.inject({ method: 'GET', url: `/api/v1/patients/${patient.id}`, headers: doctor.headers })).json();
    const res = await fhir(`/Patient/${patient.id}`);
    const p = res.json();
    valid(p);
    expect(p.birthDate).toBe(rest.fechaNacimiento);
    expect(p.gender).toBe('male');
    expect(p.name[0]).toMatchObject({ family: `${rest.apellidoPaterno} ${rest.apellidoMaterno}`, given: rest.nombres.split(' ') });
    const dni = p.identifier.find((i: Res) => i.value === rest.numeroDocumento);
    expect(dni.type.coding[0].code).toBe('NI');
    expect(p.identifier.find((i: Res) => i.value === rest.numeroHistoriaClinica)).toBeDefined();
    expect(p.address[0]).toMatchObject({ district: rest.distrito, state: rest.departamento, extension: [{ valueString: rest.ubigeo }] });

    const byId = (await fhir(`/Patient?identifier=${encodeURIComponent(`${dni.system}|${rest.numeroDocumento}`)}`)).json();
    valid(byId);
    expect(byId).toMatchObject({ type: 'searchset', total: 1, entry: [{ resource: { id: patient.id } }] });
    expect((await fhir(`/Patient?identifier=${encodeURIComponent('http://otro.sistema|' + rest.numeroDocumento)}`)).json().total).toBe(0);
    const byName = (await fhir('/Patient?name=jose%20nunez&_count=1')).json();
    valid(byName);
    expect(byName.entry[0].fullUrl).toBe(`${base}/Patient/${byName.entry[0].resource.id}`);
    expect(byName.link.find((l: Res) => l.relation === 'self')).toBeDefined();
  });

  it('maps the attention: Encounter, Conditions, vital-sign Observations with LOINC/UCUM, MedicationRequest with ATC, ServiceRequest', async () => {
    const bundle = (await fhir(`/Patient/${patient.id}/$everything`)).json();
    valid(bundle);
    for (const e of bundle.entry) valid(e.resource);
    const of = (type: string) => bundle.entry.map((e: Res) => e.resource).filter((r: Res) => r.resourceType === type);
    const rest = (await t.app.inject({ method: 'GET', url: `/api/v1/medical_attentions/${attention.id}`, headers: doctor.headers })).json();

    const [enc] = of('Encounter');
    expect(enc).toMatchObject({ id: attention.id, status: 'finished', class: { code: 'AMB' }, subject: { reference: `Patient/${patient.id}` }, period: { start: rest.fechaAtencion, end: rest.finalizedAt } });
    const conditions = of('Condition');
    expect(conditions).toHaveLength(3);
    for (const dx of rest.diagnoses) {
      const c = conditions.find((x: Res) => x.id === dx.id);
      expect(c.code.coding[0]).toMatchObject({ system: 'http://hl7.org/fhir/sid/icd-10', code: dx.cie_code, display: dx.description });
      expect(c.verificationStatus.coding[0].code).toBe({ PRESUNTIVO: 'provisional', DEFINITIVO: 'confirmed', DESCARTADO: 'refuted' }[dx.type as string]);
    }
    const obs = of('Observation');
    const byCode = (code: string) => obs.find((o: Res) => o.code.coding.some((c: Res) => c.code === code));
    expect(byCode('85354-9').component.map((c: Res) => [c.code.coding[0].code, c.valueQuantity.value, c.valueQuantity.code])).toEqual([['8480-6', 125, 'mm[Hg]'], ['8462-4', 82, 'mm[Hg]']]);
    expect(byCode('8867-4').valueQuantity).toMatchObject({ value: rest.vitals.fc, code: '/min', system: 'http://unitsofmeasure.org' });
    expect(byCode('8310-5').valueQuantity).toMatchObject({ value: 38.4, code: 'Cel' });
    expect(byCode('8302-2').valueQuantity).toMatchObject({ value: 168, code: 'cm' });
    expect(byCode('39156-5').valueQuantity).toMatchObject({ value: rest.vitals.imc, code: 'kg/m2' });
    for (const o of obs) expect(o.category[0].coding[0].code).toBe('vital-signs');
    const [rx] = of('MedicationRequest');
    expect(rx.medicationCodeableConcept.coding[0]).toMatchObject({ system: 'http://www.whocc.no/atc', code: rest.prescriptions[0].medicamento.codigoAtc });
    expect(rx.dispenseRequest.quantity.value).toBe(15);
    const [sr] = of('ServiceRequest');
    expect(sr.code.coding[0].code).toBe('71046');
    expect(sr.identifier[0].value).toBe(rest.orders[0].numeroOrden);
    const allergies = of('AllergyIntolerance');
    expect(allergies.map((a: Res) => [a.code.text, a.criticality])).toEqual([['Penicilina', 'high'], ['Látex', 'low']]);
    expect(of('Appointment')[0]).toMatchObject({ status: 'fulfilled' });
    expect(of('Practitioner')[0].identifier[0].value).toBe('061234');
  });

  it('searches clinical resources by patient, encounter and date, with paging links', async () => {
    const conditions = (await fhir(`/Condition?patient=Patient/${patient.id}&_count=2`)).json();
    valid(conditions);
    expect(conditions.total).toBe(3);
    expect(conditions.entry).toHaveLength(2);
    expect(conditions.link.find((l: Res) => l.relation === 'next').url).toContain('_offset=2');
    const day = dayFromToday(1);
    expect((await fhir(`/Encounter?date=${day}`)).json().total).toBe(1);
    expect((await fhir(`/Encounter?date=ge${day}&date=lt${day}`)).json().total).toBe(0);
    expect((await fhir(`/Encounter?patient=${patient.id}&date=gt${day}`)).json().total).toBe(0);
    const obs = (await fhir(`/Observation?encounter=${attention.id}&patient=${patient.id}`)).json();
    expect(obs.total).toBe(8);
    const one = await fhir(`/Observation/${obs.entry[0].resource.id}`);
    expect(one.statusCode).toBe(200);
    valid(one.json());
  });

  it('serves a finalized attention as a document Bundle with the Composition first', async () => {
    const doc = (await fhir(`/Composition/${attention.id}/$document`)).json();
    valid(doc);
    expect(doc.type).toBe('document');
    expect(doc.entry[0].resource.resourceType).toBe('Composition');
    const urls = new Set(doc.entry.map((e: Res) => e.fullUrl));
    const refs = JSON.stringify(doc).match(/"reference":"([^"]+)"/g)!.map((r) => r.slice(13, -1));
    expect(refs.length).toBeGreaterThan(10);
    for (const r of refs) expect(urls, r).toContain(`${base}/${r}`);
    expect(doc.entry[0].resource.section.map((s: Res) => s.title)).toEqual(expect.arrayContaining(['Diagnósticos', 'Signos vitales', 'Prescripciones', 'Órdenes']));
  });

  it('answers errors as OperationOutcome, applies RBAC and audits reads', async () => {
    const missing = await fhir('/Patient/00000000-0000-4000-8000-000000000000');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().resourceType).toBe('OperationOutcome');
    valid(missing.json());
    const unauth = await t.app.inject({ method: 'GET', url: `/fhir/r4/Patient/${patient.id}` });
    expect(unauth.statusCode).toBe(401);
    expect(unauth.json().resourceType).toBe('OperationOutcome');
    expect((await fhir(`/Encounter/${attention.id}`, asistente)).statusCode).toBe(403);
    expect((await fhir(`/Patient/${patient.id}`, admin)).statusCode).toBe(403);
    expect((await fhir('/Condition')).json().issue[0].expression).toEqual(['patient']);
    expect((await fhir('/Patient?foo=bar')).statusCode).toBe(400);
    const audit = await t.app.inject({ method: 'GET', url: `/api/v1/audit?patient_id=${patient.id}&action=FHIR_READ`, headers: admin.headers });
    expect(audit.json().data[0]).toMatchObject({ actorId: doctor.id, patientId: patient.id });
  });
});
