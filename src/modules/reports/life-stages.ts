/**
 * Age groups of the reports: MINSA's life stages (etapas de vida, RM 538-2009/MINSA as we
 * know it; see docs/compliance.md): niño 0–11, adolescente 12–17, joven 18–29, adulto 30–59,
 * adulto mayor 60 and over. The SETI code is the stage's position (01–05).
 */
export const LIFE_STAGES = [
  { codigo: 'NINO', seti: '01', nombre: 'Niño (0–11)', desde: 0, hasta: 11 },
  { codigo: 'ADOLESCENTE', seti: '02', nombre: 'Adolescente (12–17)', desde: 12, hasta: 17 },
  { codigo: 'JOVEN', seti: '03', nombre: 'Joven (18–29)', desde: 18, hasta: 29 },
  { codigo: 'ADULTO', seti: '04', nombre: 'Adulto (30–59)', desde: 30, hasta: 59 },
  { codigo: 'ADULTO_MAYOR', seti: '05', nombre: 'Adulto mayor (60+)', desde: 60, hasta: Number.POSITIVE_INFINITY },
] as const;

export type LifeStage = (typeof LIFE_STAGES)[number];
export type LifeStageCode = LifeStage['codigo'];
export const LIFE_STAGE_CODES = LIFE_STAGES.map((s) => s.codigo) as [LifeStageCode, ...LifeStageCode[]];

export function lifeStage(age: number): LifeStage {
  return LIFE_STAGES.find((s) => age >= s.desde && age <= s.hasta) ?? LIFE_STAGES[0];
}
