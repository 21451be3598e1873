import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedsFolder } from '../../shared/paths.js';
import { checkAllergies, mentions, type AllergenGroupRule, type CheckedMedication, type PatientAllergy } from './allergy-check.js';

// The shipped allergen groups: the check is only as good as this data, so test against it.
const groups = JSON.parse(readFileSync(join(seedsFolder, 'allergen-groups.json'), 'utf8')) as AllergenGroupRule[];

const med = (id: string, dci: string, codigoAtc: string | null): CheckedMedication => ({ id, dci, codigoAtc, concentracion: '500 mg', formaFarmaceutica: 'Tableta' });
const amoxicilina = med('m1', 'Amoxicilina', 'J01CA04');
const cefalexina = med('m2', 'Cefalexina', 'J01DB01');
const cotrimoxazol = med('m3', 'Sulfametoxazol + trimetoprima', 'J01EE01');
const ibuprofeno = med('m4', 'Ibuprofeno', 'M01AE01');
const paracetamol = med('m5', 'Paracetamol', 'N02BE01');
const diclofenaco = med('m6', 'Diclofenaco sódico', 'M01AB05');

const allergy = (alergia: string, severidad: PatientAllergy['severidad'] = 'GRAVE'): PatientAllergy => ({ alergia, reaccion: 'urticaria', severidad });
const check = (alergias: PatientAllergy[], medication: CheckedMedication, medicacionActual: Parameters<typeof checkAllergies>[0]['medicacionActual'] = []) =>
  checkAllergies({ alergias, medicacionActual, medication, groups });

describe('checkAllergies', () => {
  it('flags a class match (penicillin allergy, amoxicillin) with the patient\'s severity', () => {
    const alerts = check([allergy('Alergia a penicilina', 'GRAVE')], amoxicilina);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ tipo: 'ALERGIA', severidad: 'GRAVE', alergia: 'Alergia a penicilina' });
    expect(alerts[0]!.medicamento).toContain('Amoxicilina');
    expect(alerts[0]!.mensaje).toMatch(/Penicilinas/);
  });

  it('warns of cross-reactivity (penicillin allergy, cefalexina) with the group\'s noted severity', () => {
    const alerts = check([allergy('PENICILINAS', 'LEVE')], cefalexina);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ tipo: 'REACTIVIDAD_CRUZADA', severidad: 'MODERADA' });
    expect(alerts[0]!.mensaje).toMatch(/cefalosporina/i);
  });

  it('matches "Sulfas" with cotrimoxazol', () => {
    const alerts = check([allergy('Sulfas', 'MODERADA')], cotrimoxazol);
    expect(alerts).toEqual([expect.objectContaining({ tipo: 'ALERGIA', severidad: 'MODERADA', alergia: 'Sulfas' })]);
  });

  it('matches "aines" with ibuprofen and diclofenac, in any case and accent', () => {
    expect(check([allergy('aines', 'LEVE')], ibuprofeno)).toEqual([expect.objectContaining({ tipo: 'ALERGIA', severidad: 'LEVE' })]);
    expect(check([allergy('Antiinflamatorios no esteroideos (AINEs)')], diclofenaco)).toEqual([expect.objectContaining({ tipo: 'ALERGIA' })]);
  });

  it('matches the medicine named directly ("AMOXICILINA", plural, salt omitted)', () => {
    expect(check([allergy('AMOXICILINA', 'MODERADA')], amoxicilina)).toEqual([expect.objectContaining({ tipo: 'ALERGIA', severidad: 'MODERADA' })]);
    expect(check([allergy('amoxicilinas')], amoxicilina)[0]?.mensaje).toMatch(/principio activo/);
    expect(check([allergy('diclofenaco')], diclofenaco)[0]?.tipo).toBe('ALERGIA');
    expect(check([allergy('Amoxicilina')], med('m7', 'Amoxicilina + ácido clavulánico', 'J01CR02'))[0]?.tipo).toBe('ALERGIA');
  });

  it('raises nothing for an unrelated medicine or unrelated allergies', () => {
    expect(check([allergy('penicilina'), allergy('sulfas'), allergy('mariscos')], paracetamol)).toEqual([]);
    expect(check([allergy('polvo de casa')], med('m8', 'Ácido acetilsalicílico', 'B01AC06'))).toEqual([]);
    expect(check([], amoxicilina)).toEqual([]);
  });

  it('flags duplication with the current medication by DCI (free text) or ATC', () => {
    const byText = check([], ibuprofeno, ['Ibuprofeno 400 mg cada 8 horas', 'Losartán 50 mg']);
    expect(byText).toEqual([expect.objectContaining({ tipo: 'DUPLICIDAD', alergia: 'Ibuprofeno 400 mg cada 8 horas' })]);
    const byAtc = check([], amoxicilina, [{ dci: 'Amoxicilina trihidrato', codigoAtc: 'J01CA04' }]);
    expect(byAtc).toEqual([expect.objectContaining({ tipo: 'DUPLICIDAD' })]);
    expect(check([], paracetamol, ['Metformina 850 mg'])).toEqual([]);
  });

  it('matches terms as whole words only', () => {
    expect(mentions('Alergia a la aspirina', 'asa')).toBe(false);
    expect(mentions('ASA', 'asa')).toBe(true);
    expect(mentions('Alergia a la PENICILINA G', 'penicilinas')).toBe(true);
    expect(mentions('cefalosporinas de 3ra', 'cefalosporina')).toBe(true);
  });
});
