import bcrypt from 'bcryptjs';
import type { FieldError } from '../../shared/errors.js';

/** A small list of passwords seen first in every guessing attack, Spanish ones included. */
const COMMON_PASSWORDS = new Set([
  '1234567890', '0123456789', '12345678910', '1111111111', '0000000000', '1234512345', '9876543210',
  'qwertyuiop', 'qwerty1234', 'qwerty12345', 'asdfghjkl1', 'password12', 'password123', 'password1234',
  'passw0rd123', 'contraseña', 'contraseña1', 'contraseña123', 'contrasena', 'contrasena1', 'contrasena123',
  'administrador', 'administrator', 'admin12345', 'admin123456', 'adminadmin', 'iloveyou12', 'welcome123',
  'bienvenido', 'bienvenido1', 'bienvenido123', 'peru123456', 'peru2024!!', 'piura12345', 'piura2025',
  'medico1234', 'medico12345', 'doctor1234', 'doctor12345', 'clinica123', 'clinica1234', 'hospital123',
  'salud12345', 'usuario123', 'usuario1234', 'abcdefghij', 'abc1234567', 'abcd123456', 'a123456789',
  'q1w2e3r4t5', '1q2w3e4r5t', 'zaq12wsxcde', 'football12', 'superman12', 'princesa12', 'teamo12345',
  'changeme123', 'cambiame123', 'secreto123', 'letmein123', 'monkey1234', 'dragon1234', 'sunshine12',
]);

export const PASSWORD_MIN_LENGTH = 10;
/** bcrypt ignores bytes after the 72nd: refuse longer passwords instead of silently truncating. */
export const PASSWORD_MAX_BYTES = 72;

export function passwordPolicyErrors(password: string, email: string | undefined, path = 'password'): FieldError[] {
  const errors: FieldError[] = [];
  if ([...password].length < PASSWORD_MIN_LENGTH) {
    errors.push({ path, message: `La contraseña debe tener al menos ${PASSWORD_MIN_LENGTH} caracteres.` });
  }
  if (Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES) {
    errors.push({ path, message: `La contraseña no puede superar ${PASSWORD_MAX_BYTES} bytes.` });
  }
  const lower = password.toLowerCase();
  if (email && lower === email.toLowerCase()) {
    errors.push({ path, message: 'La contraseña no puede ser igual al correo electrónico.' });
  }
  if (COMMON_PASSWORDS.has(lower)) {
    errors.push({ path, message: 'La contraseña es demasiado común; elija otra.' });
  }
  return errors;
}

export async function hashPassword(password: string, cost: number): Promise<string> {
  return bcrypt.hash(password, cost);
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}

let dummyHash: { cost: number; hash: string } | undefined;

/** A hash to compare against when the e-mail is unknown, so both paths cost one bcrypt. */
export function dummyPasswordHash(cost: number): string {
  if (!dummyHash || dummyHash.cost !== cost) {
    dummyHash = { cost, hash: bcrypt.hashSync('dummy-password-never-valid', cost) };
  }
  return dummyHash.hash;
}
