/** WHO adult BMI classification (18 years and older). */
export function bmiCategory(imc: number): string {
  if (imc < 18.5) return 'BAJO_PESO';
  if (imc < 25) return 'NORMAL';
  if (imc < 30) return 'SOBREPESO';
  if (imc < 35) return 'OBESIDAD_I';
  if (imc < 40) return 'OBESIDAD_II';
  return 'OBESIDAD_III';
}
