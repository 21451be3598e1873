import { fold } from '../../shared/text.js';

/**
 * Prescription safety check (RF4.4): compares a medicine with the patient's recorded allergies
 * and current medication. Pure, so the clinical module can call it inside its own transaction
 * and tests need no database. Allergies are free text typed at the front desk ("Alergia a
 * penicilina", "SULFAS", "aines"), so matching folds accents and case and tolerates plurals.
 */

export type Severity = 'LEVE' | 'MODERADA' | 'GRAVE';

export interface PatientAllergy {
  alergia: string;
  reaccion?: string | null;
  severidad: Severity;
}

export interface CheckedMedication {
  id: string;
  dci: string;
  codigoAtc: string | null;
  concentracion?: string;
  formaFarmaceutica?: string;
}

export interface AllergenGroupRule {
  codigo: string;
  nombre: string;
  sinonimos: string[];
  atcPrefijos: string[];
  ingredientes: string[];
  reactividadCruzada: { grupo: string; severidad: Severity; nota: string }[];
}

/** A current medicine: free text as recorded, or a catalog entry when the caller resolved it. */
export type CurrentMedication = string | { dci: string; codigoAtc?: string | null };

export interface AllergyAlert {
  tipo: 'ALERGIA' | 'REACTIVIDAD_CRUZADA' | 'DUPLICIDAD';
  severidad: Severity;
  /** The allergy as recorded, or the current medicine for DUPLICIDAD. */
  alergia: string;
  medicamento: string;
  mensaje: string;
}

export interface AllergyCheckInput {
  alergias: PatientAllergy[];
  medicacionActual: CurrentMedication[];
  medication: CheckedMedication;
  groups: AllergenGroupRule[];
}

const SEVERITY_RANK: Record<Severity, number> = { LEVE: 1, MODERADA: 2, GRAVE: 3 };

// Salt and form words that do not identify the active moiety ("diclofenaco sódico").
const NON_IDENTIFYING = new Set(['acido', 'sodico', 'sodica', 'potasico', 'potasica', 'clorhidrato', 'sulfato', 'fosfato', 'calcico', 'magnesico', 'benzatinica', 'procainica', 'de', 'y']);

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Text as `mentions` compares it: folded, every run of other characters one space. */
function wordsOf(text: string): string {
  return fold(text).replace(/[^a-z0-9]+/g, ' ');
}

// A check compares every recorded allergy with each group's synonyms and each ingredient: the
// terms repeat across prescriptions, so each one's pattern is built once (bounded: cleared when full).
const TERM_PATTERNS_MAX = 5000;
const termPatterns = new Map<string, RegExp | null>();

/** The whole-word, singular-or-plural pattern of `term` (null when it has no letters or digits). */
function termPattern(term: string): RegExp | null {
  let pattern = termPatterns.get(term);
  if (pattern !== undefined) return pattern;
  const t = wordsOf(term).trim();
  const stem = t.endsWith('es') && t.length > 4 ? t.slice(0, -2) : t.endsWith('s') && t.length > 3 ? t.slice(0, -1) : t;
  pattern = t ? new RegExp(`(^|[^a-z0-9])${escapeRegExp(stem).replace(/ /g, '[^a-z0-9]+')}(e|s|es)?([^a-z0-9]|$)`) : null;
  if (termPatterns.size >= TERM_PATTERNS_MAX) termPatterns.clear();
  termPatterns.set(term, pattern);
  return pattern;
}

/** Whether `words` (text through `wordsOf`) names `term` as whole words, in singular or plural. */
function mentionedIn(words: string, term: string): boolean {
  return termPattern(term)?.test(words) ?? false;
}

/** Whether `text` names `term` as whole words, in singular or plural. */
export function mentions(text: string, term: string): boolean {
  return mentionedIn(wordsOf(text), term);
}

/** "Amoxicilina + ácido clavulánico" → ["amoxicilina", "acido clavulanico"]. */
export function ingredientsOf(dci: string): string[] {
  return fold(dci).split(/\s*(?:\+|\/|,|\by\b|\bcon\b)\s*/).map((s) => s.trim()).filter(Boolean);
}

/** The word that identifies an ingredient: "diclofenaco sodico" → "diclofenaco". */
function identifyingWord(ingredient: string): string | undefined {
  return ingredient.split(' ').find((w) => w.length >= 5 && !NON_IDENTIFYING.has(w));
}

function inGroup(medication: CheckedMedication, group: AllergenGroupRule): boolean {
  const atc = medication.codigoAtc?.toUpperCase();
  if (atc && group.atcPrefijos.some((p) => atc.startsWith(p.toUpperCase()))) return true;
  const ingredients = ingredientsOf(medication.dci);
  return group.ingredientes.some((gi) => ingredients.includes(fold(gi)));
}

function describe(medication: CheckedMedication): string {
  return [medication.dci, medication.concentracion, medication.formaFarmaceutica].filter(Boolean).join(' ');
}

/** `words`: the allergy or current medicine through `wordsOf`. */
function directMatch(words: string, medication: CheckedMedication): boolean {
  return ingredientsOf(medication.dci).some((ingredient) => {
    if (mentionedIn(words, ingredient)) return true;
    const word = identifyingWord(ingredient);
    return word !== undefined && mentionedIn(words, word);
  });
}

export function checkAllergies(input: AllergyCheckInput): AllergyAlert[] {
  const { medication, groups } = input;
  const name = describe(medication);
  const byCode = new Map(groups.map((g) => [g.codigo, g]));
  const alerts: AllergyAlert[] = [];

  for (const allergy of input.alergias) {
    const recorded = allergy.alergia.trim();
    if (!recorded) continue;
    const words = wordsOf(recorded);
    if (directMatch(words, medication)) {
      alerts.push({ tipo: 'ALERGIA', severidad: allergy.severidad, alergia: recorded, medicamento: name,
        mensaje: `El paciente tiene alergia registrada a "${recorded}" y ${medication.dci} contiene ese principio activo.` });
      continue;
    }
    const named = groups.filter((g) => g.sinonimos.some((s) => mentionedIn(words, s)) || mentionedIn(words, g.nombre));
    const classGroup = named.find((g) => inGroup(medication, g));
    if (classGroup) {
      alerts.push({ tipo: 'ALERGIA', severidad: allergy.severidad, alergia: recorded, medicamento: name,
        mensaje: `El paciente tiene alergia registrada a "${recorded}" y ${medication.dci} pertenece al grupo ${classGroup.nombre}.` });
      continue;
    }
    // Cross-reactivity is a warning with the severity the group's note gives, not the patient's.
    let cross: { nota: string; severidad: Severity; grupo: AllergenGroupRule } | undefined;
    for (const g of named) {
      for (const rule of g.reactividadCruzada) {
        const other = byCode.get(rule.grupo);
        if (other && inGroup(medication, other) && (!cross || SEVERITY_RANK[rule.severidad] > SEVERITY_RANK[cross.severidad])) {
          cross = { nota: rule.nota, severidad: rule.severidad, grupo: other };
        }
      }
    }
    if (cross) {
      alerts.push({ tipo: 'REACTIVIDAD_CRUZADA', severidad: cross.severidad, alergia: recorded, medicamento: name,
        mensaje: `Posible reactividad cruzada: alergia a "${recorded}" y ${medication.dci} (${cross.grupo.nombre}). ${cross.nota}` });
    }
  }

  const atc = medication.codigoAtc?.toUpperCase() ?? null;
  for (const current of input.medicacionActual) {
    const currentText = typeof current === 'string' ? current : current.dci;
    const currentAtc = typeof current === 'string' ? null : current.codigoAtc?.toUpperCase() ?? null;
    if (!currentText.trim()) continue;
    // The current medicine names one of the new medicine's active ingredients.
    const sameDci = directMatch(wordsOf(currentText), medication);
    const sameAtc = atc !== null && currentAtc !== null && atc === currentAtc;
    if (sameDci || sameAtc) {
      alerts.push({ tipo: 'DUPLICIDAD', severidad: 'MODERADA', alergia: currentText.trim(), medicamento: name,
        mensaje: `El paciente ya recibe "${currentText.trim()}": ${medication.dci} duplicaría el mismo principio activo.` });
    }
  }
  return alerts;
}
