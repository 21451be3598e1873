#!/usr/bin/env node
// Genera seeds/templates.json: plantillas de texto clínico para consulta externa (redacción propia).
// Uso: node scripts/build-seeds/templates.mjs
//
// Tipos: anamnesis, examen_fisico, indicaciones, evolucion.
// Únicos marcadores permitidos (los reemplaza la aplicación al insertar la plantilla):
//   {{paciente.nombreCompleto}} {{paciente.nombres}} {{paciente.edad}} {{paciente.sexo}}
//   {{medico.nombreCompleto}} {{medico.cmp}} {{fecha}} {{hora}}
// Los espacios "___" son campos que el médico completa a mano.
import { writeJson, cmp } from './lib.mjs';

export const PLACEHOLDERS = [
  'paciente.nombreCompleto', 'paciente.nombres', 'paciente.edad', 'paciente.sexo',
  'medico.nombreCompleto', 'medico.cmp', 'fecha', 'hora',
];

const t = (lines) => lines.join('\n');

const TEMPLATES = [
  // ---------------------------------------------------------------- anamnesis
  {
    tipo: 'anamnesis',
    nombre: 'Anamnesis general',
    contenido: t([
      'Paciente {{paciente.nombreCompleto}}, {{paciente.sexo}}, de {{paciente.edad}}, acude por consulta externa el {{fecha}} a las {{hora}}.',
      'Motivo de consulta: ___',
      'Tiempo de enfermedad: ___   Forma de inicio: ___   Curso: ___',
      'Relato: ___',
      'Funciones biológicas: apetito ___, sed ___, sueño ___, orina ___, deposiciones ___, peso ___.',
      'Antecedentes personales: patológicos ___; quirúrgicos ___; alergias a medicamentos ___; medicación habitual ___.',
      'Antecedentes familiares: ___',
      'Hábitos nocivos: tabaco ___, alcohol ___, otras sustancias ___.',
    ]),
  },
  {
    tipo: 'anamnesis',
    nombre: 'Anamnesis de infección respiratoria aguda',
    contenido: t([
      'Paciente de {{paciente.edad}}, acompañado(a) por ___, con tiempo de enfermedad de ___ días, inicio insidioso / brusco, curso progresivo.',
      'Refiere rinorrea ___, obstrucción nasal ___, odinofagia ___, tos seca / productiva ___, expectoración (color) ___.',
      'Fiebre: sí / no, temperatura máxima ___ °C, cuantificada con termómetro: sí / no.',
      'Niega dificultad respiratoria, respiración rápida, tiraje, quejido, cianosis, somnolencia o rechazo a la vía oral. Otalgia ___. Disfonía ___.',
      'Contacto con personas con síntomas respiratorios: ___. Sintomático respiratorio (tos de 15 días o más): sí / no.',
      'Medicación recibida antes de la consulta (incluida automedicación con antibióticos): ___',
      'Antecedentes: asma / SOB ___, neumonías previas ___, vacunas al día (influenza, neumococo, COVID-19) ___.',
      'Funciones biológicas: apetito disminuido ___, sed ___, sueño ___, orina y deposiciones sin alteraciones ___.',
    ]),
  },
  {
    tipo: 'anamnesis',
    nombre: 'Anamnesis de dolor abdominal',
    contenido: t([
      'Paciente {{paciente.sexo}} de {{paciente.edad}} con tiempo de enfermedad de ___ horas / días.',
      'Dolor abdominal de inicio brusco / insidioso, localizado en ___, de tipo cólico / urente / opresivo, intensidad ___/10 (EVA), con irradiación a ___.',
      'Factores que agravan: ___. Factores que alivian: ___. Relación con las comidas: ___.',
      'Síntomas asociados: náuseas ___, vómitos (número y características) ___, hiporexia ___, fiebre ___, diarrea ___, estreñimiento ___, distensión ___, ictericia ___, síntomas urinarios ___.',
      'Deposiciones: última deposición ___, características ___, sangre o moco ___. Eliminación de flatos ___.',
      'En mujer en edad fértil: FUR ___, retraso menstrual ___, flujo vaginal ___, método anticonceptivo ___.',
      'Antecedentes: cirugías abdominales ___, litiasis vesicular ___, gastritis / úlcera ___, consumo de AINE ___, alcohol ___.',
      'Medicación recibida: ___',
    ]),
  },
  {
    tipo: 'anamnesis',
    nombre: 'Anamnesis de enfermedad diarreica aguda',
    contenido: t([
      'Paciente de {{paciente.edad}} con tiempo de enfermedad de ___ días.',
      'Deposiciones líquidas / semilíquidas, número por día ___, volumen ___, con moco ___, con sangre ___, olor ___.',
      'Vómitos: número ___, tolera la vía oral: sí / no. Fiebre: ___ °C. Dolor abdominal tipo cólico: ___.',
      'Signos de deshidratación referidos: sed intensa ___, orina escasa ___, llanto sin lágrimas ___, decaimiento ___.',
      'Alimentación: lactancia materna ___, dieta habitual ___. Consumo de alimentos fuera de casa o agua no tratada: ___.',
      'Contactos con cuadro similar: ___. Viajes recientes: ___.',
      'Tratamiento recibido: sales de rehidratación oral ___, antibióticos ___, antidiarreicos ___, otros ___.',
    ]),
  },
  {
    tipo: 'anamnesis',
    nombre: 'Anamnesis de control de hipertensión arterial',
    contenido: t([
      'Paciente de {{paciente.edad}} con diagnóstico de hipertensión arterial desde hace ___ años, acude a control.',
      'Tratamiento actual: ___ (dosis y horario). Adherencia: toma diaria sin olvidos / olvidos ___ veces por semana.',
      'Controles domiciliarios de presión arterial: ___ (valores aproximados).',
      'Síntomas: cefalea ___, mareos ___, tinnitus ___, visión borrosa ___, dolor torácico ___, disnea ___, palpitaciones ___, edema de miembros inferiores ___.',
      'Efectos adversos de la medicación (tos, edema maleolar, mareos): ___.',
      'Estilo de vida: consumo de sal ___, actividad física ___ minutos por semana, tabaco ___, alcohol ___.',
      'Comorbilidades: diabetes ___, dislipidemia ___, enfermedad renal ___, cardiopatía ___.',
      'Últimos exámenes: creatinina ___, perfil lipídico ___, glucosa ___, examen de orina ___, electrocardiograma ___.',
    ]),
  },
  {
    tipo: 'anamnesis',
    nombre: 'Anamnesis de control de diabetes mellitus tipo 2',
    contenido: t([
      'Paciente de {{paciente.edad}} con diabetes mellitus tipo 2 diagnosticada hace ___ años, acude a control.',
      'Tratamiento actual: ___ (dosis y horario). Adherencia: ___. Uso de insulina: sí / no, esquema ___.',
      'Automonitoreo de glucosa: ayunas ___ mg/dL, postprandial ___ mg/dL.',
      'Hipoglucemias: sí / no, frecuencia ___, síntomas ___.',
      'Síntomas: poliuria ___, polidipsia ___, pérdida de peso ___, visión borrosa ___, parestesias o dolor en pies ___, heridas en pies ___.',
      'Dieta y actividad física: ___.',
      'Última HbA1c: ___ % (fecha ___). Último fondo de ojo: ___. Microalbuminuria: ___.',
    ]),
  },
  // ------------------------------------------------------------ examen_fisico
  {
    tipo: 'examen_fisico',
    nombre: 'Examen físico general del adulto',
    contenido: t([
      'Funciones vitales: PA ___/___ mmHg, FC ___ lpm, FR ___ rpm, T° ___ °C, SatO2 ___ % (aire ambiental).',
      'Antropometría: peso ___ kg, talla ___ m, IMC ___ kg/m², perímetro abdominal ___ cm.',
      'Aparente regular estado general, regular estado de nutrición, regular estado de hidratación. Lúcido, orientado en tiempo, espacio y persona (LOTEP).',
      'Piel y faneras: tibia, hidratada, elástica, llenado capilar menor de 2 segundos, sin palidez, ictericia ni cianosis.',
      'TCSC: sin edemas. Sistema linfático: no se palpan adenopatías.',
      'Cabeza y cuello: normocéfalo, orofaringe no congestiva, tiroides no palpable.',
      'Tórax y pulmones: murmullo vesicular pasa bien en ambos campos pulmonares, no ruidos agregados.',
      'Cardiovascular: ruidos cardiacos rítmicos, de buena intensidad, no soplos.',
      'Abdomen: blando, depresible, ruidos hidroaéreos presentes, no doloroso a la palpación, no visceromegalias.',
      'Genitourinario: puñopercusión lumbar negativa bilateral, puntos renoureterales negativos.',
      'Neurológico: Glasgow 15/15, sin signos meníngeos ni de focalización.',
    ]),
  },
  {
    tipo: 'examen_fisico',
    nombre: 'Examen físico pediátrico',
    contenido: t([
      'Funciones vitales: FC ___ lpm, FR ___ rpm, T° ___ °C, SatO2 ___ %.',
      'Antropometría: peso ___ kg, talla ___ cm, perímetro cefálico ___ cm. Peso/edad ___, talla/edad ___, peso/talla ___ (según tablas de la OMS).',
      'Despierto, activo, reactivo, consolable; buen estado general, buen estado de hidratación y de nutrición.',
      'Piel: tibia, hidratada, llenado capilar menor de 2 segundos, sin exantemas, sin palidez.',
      'Fontanela anterior normotensa (en lactante). Ojos: no hundidos, lágrimas presentes. Mucosa oral húmeda.',
      'Oídos: membranas timpánicas ___. Orofaringe: ___. Nariz: ___.',
      'Tórax: sin tiraje, sin aleteo nasal, sin quejido. Murmullo vesicular pasa bien en ambos campos pulmonares, no sibilantes ni crépitos.',
      'Cardiovascular: ruidos cardiacos rítmicos, no soplos. Pulsos periféricos presentes y simétricos.',
      'Abdomen: blando, depresible, ruidos hidroaéreos presentes, no doloroso, no visceromegalias. Signo del pliegue: regresa inmediatamente.',
      'Neurológico: sin signos meníngeos, tono y reflejos conservados para la edad.',
    ]),
  },
  {
    tipo: 'examen_fisico',
    nombre: 'Examen ginecológico',
    contenido: t([
      'Funciones vitales: PA ___/___ mmHg, FC ___ lpm, T° ___ °C. Peso ___ kg.',
      'Mamas: simétricas, sin retracciones ni cambios de piel, pezones sin secreción, no se palpan nódulos ni adenopatías axilares.',
      'Abdomen: blando, depresible, no doloroso, no se palpan masas.',
      'Genitales externos: de aspecto normal, sin lesiones.',
      'Especuloscopía: vagina de paredes ___, flujo ___ (cantidad, color, olor), cérvix ___ (aspecto, lesiones, sangrado al contacto).',
      'Tacto vaginal: cérvix ___, no doloroso a la movilización; útero de tamaño ___, anteversoflexo / retroversoflexo; anexos no palpables, no dolorosos; fondos de saco libres.',
      'Toma de muestra: Papanicolaou / IVAA ___. Resultado IVAA: ___.',
    ]),
  },
  {
    tipo: 'examen_fisico',
    nombre: 'Examen obstétrico de control prenatal',
    contenido: t([
      'Edad gestacional: ___ semanas por FUR (___) / por ecografía del primer trimestre.',
      'Funciones vitales: PA ___/___ mmHg, FC ___ lpm, T° ___ °C. Peso actual ___ kg, ganancia de peso ___ kg.',
      'Altura uterina: ___ cm. Situación ___, presentación ___, posición ___.',
      'Latidos cardiacos fetales: ___ lpm. Movimientos fetales: presentes / referidos por la gestante.',
      'Dinámica uterina: ausente / ___ contracciones en 10 minutos.',
      'Edemas: ___. Reflejos osteotendinosos: ___.',
      'Signos de alarma: sangrado vaginal, pérdida de líquido, cefalea, escotomas, epigastralgia, disminución de movimientos fetales: niega / ___.',
    ]),
  },
  // ------------------------------------------------------------- indicaciones
  {
    tipo: 'indicaciones',
    nombre: 'Indicaciones generales',
    contenido: t([
      'Indicaciones para {{paciente.nombreCompleto}} ({{fecha}}):',
      '1. Tomar los medicamentos tal como se indican en la receta, en los horarios señalados y por los días completos.',
      '2. No automedicarse ni suspender el tratamiento sin consultar.',
      '3. Alimentación balanceada, abundantes líquidos, descanso adecuado.',
      '4. Traer los resultados de los exámenes solicitados a la próxima cita.',
      '5. Regresar de inmediato o acudir a Emergencia si presenta fiebre persistente, dificultad para respirar, dolor intenso, vómitos persistentes, sangrado o cualquier empeoramiento.',
      'Próximo control: ___',
      'Médico: {{medico.nombreCompleto}} - CMP {{medico.cmp}}',
    ]),
  },
  {
    tipo: 'indicaciones',
    nombre: 'Indicaciones en infección respiratoria aguda',
    contenido: t([
      'Indicaciones para {{paciente.nombres}}:',
      '1. Abundantes líquidos tibios y continuar con la alimentación habitual; en lactantes, continuar la lactancia materna con mayor frecuencia.',
      '2. Limpieza nasal con suero fisiológico antes de las comidas y del sueño.',
      '3. Paracetamol solo si la temperatura es de 38 °C o más o hay malestar, según la dosis indicada en la receta. No usar antibióticos si no fueron indicados.',
      '4. Lavado frecuente de manos, cubrirse al toser o estornudar, uso de mascarilla si convive con personas vulnerables, ventilar los ambientes.',
      '5. Acudir de inmediato si presenta: respiración rápida, hundimiento de costillas al respirar, quejido, labios morados, fiebre que no cede o que dura más de 3 días, no puede beber o lactar, vomita todo, está muy somnoliento(a) o presenta convulsiones.',
      'Control en ___ días o antes si hay signos de alarma.',
    ]),
  },
  {
    tipo: 'indicaciones',
    nombre: 'Indicaciones en gastroenteritis aguda con sales de rehidratación oral',
    contenido: t([
      'Indicaciones para {{paciente.nombres}}:',
      '1. Sales de rehidratación oral (SRO): disolver un sobre en un litro de agua hervida fría. Preparar cada día y desechar lo que sobre a las 24 horas.',
      '2. Dar SRO después de cada deposición líquida: menores de 2 años 50 a 100 mL; de 2 a 10 años 100 a 200 mL; mayores de 10 años y adultos, todo lo que deseen. Si vomita, esperar 10 minutos y continuar más despacio, a sorbos o con cucharita.',
      '3. Continuar la alimentación habitual y la lactancia materna. Preferir comidas frecuentes y en poca cantidad. Evitar gaseosas, jugos azucarados y bebidas rehidratantes deportivas.',
      '4. Zinc según receta en niños, por 10 a 14 días. No usar antidiarreicos ni antibióticos si no fueron indicados.',
      '5. Lavado de manos con agua y jabón antes de preparar los alimentos, antes de comer y después de ir al baño o cambiar pañales. Consumir agua hervida o tratada.',
      '6. Signos de alarma, acudir de inmediato: sangre en las heces, vómitos que impiden beber, mucha sed, ojos hundidos, orina escasa u oscura, llanto sin lágrimas, boca seca, decaimiento o somnolencia, fiebre alta persistente, más de 10 deposiciones líquidas al día.',
      'Control en 48 horas o antes si presenta signos de alarma.',
    ]),
  },
  {
    tipo: 'indicaciones',
    nombre: 'Indicaciones en hipertensión arterial',
    contenido: t([
      'Indicaciones para {{paciente.nombres}}:',
      '1. Tomar el antihipertensivo todos los días a la misma hora, aunque se sienta bien. No suspenderlo por cuenta propia.',
      '2. Reducir la sal: no agregar sal a las comidas servidas, evitar embutidos, enlatados, snacks y caldos concentrados.',
      '3. Consumir frutas y verduras a diario; preferir menestras, pescado y carnes magras; evitar frituras.',
      '4. Actividad física moderada (caminar a paso rápido) al menos 30 minutos, 5 días a la semana.',
      '5. No fumar; limitar el consumo de alcohol. Mantener un peso adecuado.',
      '6. Registrar la presión arterial en casa, sentado(a) y tras 5 minutos de reposo, y traer el registro al control.',
      '7. Acudir a Emergencia si presenta dolor de pecho, dificultad para respirar, dolor de cabeza intenso, visión borrosa, debilidad o adormecimiento de un lado del cuerpo, o dificultad para hablar.',
      'Próximo control: ___',
    ]),
  },
  // ---------------------------------------------------------------- evolucion
  {
    tipo: 'evolucion',
    nombre: 'Evolución en formato SOAP',
    contenido: t([
      'Fecha: {{fecha}}  Hora: {{hora}}',
      'S (subjetivo): {{paciente.nombres}} refiere ___',
      'O (objetivo): PA ___/___ mmHg, FC ___ lpm, FR ___ rpm, T° ___ °C, SatO2 ___ %. Examen dirigido: ___. Resultados de exámenes: ___',
      'A (apreciación): ___ (diagnósticos con CIE-10, evolución favorable / estacionaria / desfavorable).',
      'P (plan): tratamiento ___; exámenes ___; interconsultas ___; educación ___; próximo control ___.',
      '{{medico.nombreCompleto}} - CMP {{medico.cmp}}',
    ]),
  },
  {
    tipo: 'evolucion',
    nombre: 'Evolución de control de enfermedad crónica',
    contenido: t([
      'Control de paciente de {{paciente.edad}} ({{fecha}}).',
      'Diagnósticos en seguimiento: ___',
      'Desde el último control: adherencia al tratamiento ___, síntomas nuevos ___, hospitalizaciones o visitas a Emergencia ___, efectos adversos ___.',
      'Funciones vitales: PA ___/___ mmHg, FC ___ lpm, peso ___ kg, IMC ___ kg/m², perímetro abdominal ___ cm.',
      'Exámenes recientes: glucosa ___, HbA1c ___, creatinina ___, perfil lipídico ___, otros ___.',
      'Metas de control: alcanzadas / no alcanzadas (___).',
      'Plan: continuar / ajustar tratamiento ___; exámenes para el próximo control ___; consejería en alimentación, actividad física y adherencia; próxima cita ___.',
    ]),
  },
  {
    tipo: 'evolucion',
    nombre: 'Evolución de reevaluación de cuadro agudo',
    contenido: t([
      'Reevaluación a las ___ horas / días de la consulta inicial ({{fecha}}, {{hora}}).',
      'Evolución referida: mejoría ___, persistencia de síntomas ___, síntomas nuevos ___. Cumplimiento del tratamiento: ___.',
      'Examen: T° ___ °C, FC ___ lpm, FR ___ rpm, SatO2 ___ %. Hallazgos: ___.',
      'Signos de alarma: ausentes / presentes (___).',
      'Conducta: alta con indicaciones / continúa tratamiento / se modifica tratamiento ___ / referencia a ___.',
      '{{medico.nombreCompleto}} - CMP {{medico.cmp}}',
    ]),
  },
  {
    tipo: 'evolucion',
    nombre: 'Nota de referencia a otro establecimiento',
    contenido: t([
      'Se refiere a {{paciente.nombreCompleto}}, {{paciente.sexo}}, de {{paciente.edad}}, el {{fecha}} a las {{hora}}.',
      'Establecimiento de destino: ___   Especialidad / servicio: ___',
      'Resumen clínico: ___',
      'Funciones vitales al momento de la referencia: PA ___/___ mmHg, FC ___ lpm, FR ___ rpm, T° ___ °C, SatO2 ___ %.',
      'Diagnósticos (CIE-10): ___',
      'Tratamiento administrado: ___',
      'Motivo de la referencia: ___   Condición del paciente: estable / inestable.',
      '{{medico.nombreCompleto}} - CMP {{medico.cmp}}',
    ]),
  },
];

// Validación de marcadores y de unicidad.
const allowed = new Set(PLACEHOLDERS);
const seen = new Set();
for (const tpl of TEMPLATES) {
  const key = `${tpl.tipo}|${tpl.nombre}`;
  if (seen.has(key)) throw new Error(`Plantilla repetida: ${key}`);
  seen.add(key);
  for (const m of tpl.contenido.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)) {
    if (!allowed.has(m[1])) throw new Error(`Marcador no permitido en "${tpl.nombre}": ${m[0]}`);
  }
  if (/\{\{|\}\}/.test(tpl.contenido.replace(/\{\{[^{}]*\}\}/g, ''))) throw new Error(`Llaves sueltas en "${tpl.nombre}"`);
}

const ORDER = ['anamnesis', 'examen_fisico', 'indicaciones', 'evolucion'];
const rows = TEMPLATES.map(({ tipo, nombre, contenido }) => ({ tipo, nombre, contenido }))
  .sort((a, b) => ORDER.indexOf(a.tipo) - ORDER.indexOf(b.tipo) || cmp(a.nombre, b.nombre));

writeJson('templates.json', rows);
console.log(`templates.json: ${rows.length} plantillas (${ORDER.map((k) => `${k} ${rows.filter((r) => r.tipo === k).length}`).join(', ')})`);
