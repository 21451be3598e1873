/**
 * Deterministic fake-but-plausible data for the demo/benchmark seed: the same seed always
 * gives the same patients, so benchmark runs are comparable. Names carry Spanish accents on
 * purpose, since accent-insensitive search is one of the hot paths being measured.
 */

/** mulberry32: tiny, fast and good enough for test data (not for anything secret). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rng = () => number;

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]!;
}

export function int(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

/** A version-4-shaped UUID from the PRNG, so ids are reproducible too. */
export function uuid(rng: Rng): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rng() * 16).toString(16));
  hex[12] = '4';
  hex[16] = ((Math.floor(rng() * 4)) + 8).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

export const NOMBRES_F = ['María', 'Rosa', 'Lucía', 'Ana Sofía', 'Inés', 'Carmen', 'Mónica', 'Verónica', 'Angélica', 'Raquel',
  'Begoña', 'Milagros', 'Jesús María', 'Noemí', 'Dolores', 'Cecilia', 'Sofía', 'Valeria', 'Ximena', 'Zoila', 'Yolanda', 'Flor de María',
  'Nélida', 'Mercedes', 'Fátima', 'Úrsula', 'Elena', 'Gabriela', 'Isabel', 'Patricia', 'Mariela', 'Estefanía'] as const;
export const NOMBRES_M = ['José', 'Luis', 'Jesús', 'Martín', 'Raúl', 'Andrés', 'Julián', 'Germán', 'Tomás', 'Óscar', 'Ramón',
  'Iván', 'Nicolás', 'Sebastián', 'César', 'Héctor', 'Víctor', 'Joaquín', 'Efraín', 'Ángel', 'Juan Carlos', 'Miguel Ángel', 'Jorge',
  'Carlos', 'Pedro', 'Manuel', 'Segundo', 'Wilmer', 'Edwin', 'Fernando', 'Rubén', 'Agustín'] as const;
export const APELLIDOS = ['García', 'Núñez', 'Chávez', 'Ramírez', 'Gutiérrez', 'Sánchez', 'Rodríguez', 'Pérez', 'Gómez', 'Hernández',
  'Jiménez', 'Martínez', 'López', 'Díaz', 'Álvarez', 'Vásquez', 'Fernández', 'Quispe', 'Mamani', 'Huamán', 'Flores', 'Castillo',
  'Peña', 'Zapata', 'Seminario', 'Chunga', 'Yarlequé', 'Sosa', 'Ayala', 'Távara', 'Córdova', 'Saavedra', 'Timaná', 'Ipanaqué',
  'Namuche', 'Querevalú', 'Silupú', 'Eche', 'Ruiz', 'Morán', 'Calle', 'Ramos', 'Jiménez', 'Maceda', 'Nizama', 'Periche', 'Sernaqué',
  'Lozada', 'Carrasco', 'Zúñiga', 'Ordóñez', 'Valdivieso', 'Montero', 'Castañeda', 'Muñoz', 'Ibáñez', 'Dueñas', 'Cornejo'] as const;
export const CALLES = ['Av. Grau', 'Av. Sánchez Cerro', 'Jr. Lima', 'Calle Tacna', 'Av. Loreto', 'Jr. Ayacucho', 'Av. Bolognesi',
  'Calle Libertad', 'Av. Panamericana', 'Jr. Callao', 'Av. Vice', 'Calle Huánuco'] as const;
export const CRONICOS = ['Hipertensión arterial', 'Diabetes mellitus tipo 2', 'Asma bronquial', 'Hipotiroidismo', 'Gastritis crónica',
  'Artrosis de rodilla', 'Dislipidemia'] as const;
export const ALERGIAS = [
  { alergia: 'Penicilina', reaccion: 'Urticaria', severidad: 'GRAVE' as const },
  { alergia: 'Sulfas', reaccion: 'Exantema', severidad: 'LEVE' as const },
  { alergia: 'AINES', reaccion: 'Broncoespasmo', severidad: 'MODERADA' as const },
  { alergia: 'Mariscos', reaccion: 'Prurito', severidad: 'LEVE' as const },
];
export const MOTIVOS = ['Fiebre y tos de 3 días', 'Dolor abdominal', 'Control de presión arterial', 'Cefalea intensa',
  'Dolor de garganta', 'Control de diabetes', 'Diarrea aguda', 'Dolor lumbar', 'Malestar general', 'Control de niño sano'] as const;
export const FRECUENCIAS = ['Cada 8 horas', 'Cada 12 horas', 'Cada 24 horas', 'Cada 6 horas'] as const;

/** An 8-digit DNI, unique for each index (an affine bijection over 10^8 scrambles the order). */
export function dniFor(index: number): string {
  const n = (index * 48_271 + 10_000_019) % 100_000_000;
  return String(n).padStart(8, '0');
}

export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}
