#!/usr/bin/env node
// Genera seeds/procedures.json: procedimientos ambulatorios frecuentes (laboratorio, imágenes,
// procedimientos e interconsultas) para órdenes y registro de atención.
// Uso: node scripts/build-seeds/procedures.mjs
//
// Lista propia del proyecto. El Catálogo de Procedimientos Médicos y Sanitarios (CPMS) del MINSA
// usa numeración de estilo CPT para la mayoría de procedimientos médicos, de laboratorio e imágenes.
// Aquí solo se asigna `codigo` cuando el número CPT (edición vigente) denota con seguridad ese
// procedimiento; en otro caso `codigo` es null. Las interconsultas no llevan código.
// Advertencia: algunas ediciones del CPMS conservan números CPT anteriores (p. ej. 71010/71020 para
// radiografía de tórax, 74000 para abdomen simple); contrastar con el CPMS vigente antes de facturar.
import { writeJson, norm, cmp } from './lib.mjs';

const PC = 'Patología Clínica';
const AP = 'Anatomía Patológica';
const RX = 'Radiología';

// [codigo, nombre, especialidad]
const LABORATORIO = [
  // Hematología y banco de sangre
  ['85025', 'Hemograma completo automatizado (con fórmula leucocitaria)', PC],
  ['85027', 'Hemograma automatizado sin fórmula leucocitaria', PC],
  ['85018', 'Hemoglobina', PC],
  ['85014', 'Hematocrito', PC],
  ['85048', 'Recuento de leucocitos', PC],
  ['85049', 'Recuento de plaquetas', PC],
  ['85045', 'Recuento de reticulocitos', PC],
  ['85007', 'Frotis de sangre periférica con recuento diferencial manual (lámina periférica)', PC],
  ['85651', 'Velocidad de sedimentación globular (VSG)', PC],
  ['85610', 'Tiempo de protrombina (TP / INR)', PC],
  ['85730', 'Tiempo de tromboplastina parcial activada (TTPa)', PC],
  ['85384', 'Fibrinógeno', PC],
  ['85379', 'Dímero D cuantitativo', PC],
  ['85002', 'Tiempo de sangría', PC],
  ['85345', 'Tiempo de coagulación (Lee-White)', PC],
  ['86900', 'Grupo sanguíneo ABO', PC],
  ['86901', 'Factor Rh (D)', PC],
  ['86880', 'Prueba de Coombs directa', PC],
  ['86850', 'Detección de anticuerpos irregulares (Coombs indirecto)', PC],
  ['83020', 'Electroforesis de hemoglobina', PC],
  // Bioquímica
  ['82947', 'Glucosa cuantitativa en sangre', PC],
  ['82950', 'Glucosa postprandial o post carga', PC],
  ['82951', 'Prueba de tolerancia oral a la glucosa (3 muestras)', PC],
  ['82962', 'Glucosa capilar por glucómetro', PC],
  ['83036', 'Hemoglobina glicosilada (HbA1c)', PC],
  ['83525', 'Insulina sérica', PC],
  ['80061', 'Perfil lipídico (colesterol total, HDL, triglicéridos)', PC],
  ['82465', 'Colesterol total', PC],
  ['83718', 'Colesterol HDL', PC],
  ['83721', 'Colesterol LDL (medición directa)', PC],
  ['84478', 'Triglicéridos', PC],
  ['82565', 'Creatinina sérica', PC],
  ['84520', 'Urea / nitrógeno ureico (BUN)', PC],
  ['84550', 'Ácido úrico', PC],
  ['82575', 'Depuración de creatinina', PC],
  ['80048', 'Perfil metabólico básico', PC],
  ['80053', 'Perfil metabólico completo', PC],
  ['80051', 'Electrolitos séricos (sodio, potasio, cloro, bicarbonato)', PC],
  ['84295', 'Sodio sérico', PC],
  ['84132', 'Potasio sérico', PC],
  ['82435', 'Cloro sérico', PC],
  ['82310', 'Calcio sérico total', PC],
  ['83735', 'Magnesio sérico', PC],
  ['84100', 'Fósforo sérico', PC],
  ['80076', 'Perfil hepático', PC],
  ['84450', 'Transaminasa glutámico oxalacética (TGO / AST)', PC],
  ['84460', 'Transaminasa glutámico pirúvica (TGP / ALT)', PC],
  ['84075', 'Fosfatasa alcalina', PC],
  ['82977', 'Gamma glutamil transferasa (GGT)', PC],
  ['82247', 'Bilirrubina total', PC],
  ['82248', 'Bilirrubina directa', PC],
  ['84155', 'Proteínas totales séricas', PC],
  ['82040', 'Albúmina sérica', PC],
  ['82150', 'Amilasa sérica', PC],
  ['83690', 'Lipasa sérica', PC],
  ['82550', 'Creatina fosfoquinasa (CPK) total', PC],
  ['83615', 'Deshidrogenasa láctica (DHL)', PC],
  ['84484', 'Troponina cuantitativa', PC],
  ['83880', 'Péptido natriurético (BNP / NT-proBNP)', PC],
  ['83605', 'Lactato', PC],
  ['82803', 'Gases arteriales (AGA)', PC],
  ['83655', 'Plomo en sangre', PC],
  // Hierro y vitaminas
  ['83540', 'Hierro sérico', PC],
  ['83550', 'Capacidad total de fijación de hierro', PC],
  ['82728', 'Ferritina sérica', PC],
  ['82607', 'Vitamina B12 (cianocobalamina)', PC],
  ['82746', 'Ácido fólico sérico', PC],
  ['82306', 'Vitamina D (25-hidroxi)', PC],
  // Endocrinología
  ['84443', 'Hormona estimulante de la tiroides (TSH)', PC],
  ['84439', 'Tiroxina libre (T4 libre)', PC],
  ['84436', 'Tiroxina total (T4 total)', PC],
  ['84480', 'Triyodotironina total (T3 total)', PC],
  ['84481', 'Triyodotironina libre (T3 libre)', PC],
  ['83001', 'Hormona folículo estimulante (FSH)', PC],
  ['83002', 'Hormona luteinizante (LH)', PC],
  ['84146', 'Prolactina', PC],
  ['82670', 'Estradiol', PC],
  ['84144', 'Progesterona', PC],
  ['84403', 'Testosterona total', PC],
  ['82533', 'Cortisol sérico', PC],
  ['84702', 'Gonadotropina coriónica humana fracción beta (β-HCG) cuantitativa', PC],
  ['81025', 'Prueba de embarazo en orina', PC],
  // Marcadores tumorales
  ['84153', 'Antígeno prostático específico (PSA) total', PC],
  ['84154', 'Antígeno prostático específico (PSA) libre', PC],
  ['82105', 'Alfa fetoproteína sérica', PC],
  ['82378', 'Antígeno carcinoembrionario (CEA)', PC],
  ['86304', 'CA-125', PC],
  // Inmunología y serología
  ['86140', 'Proteína C reactiva (PCR)', PC],
  ['86141', 'Proteína C reactiva ultrasensible', PC],
  ['86431', 'Factor reumatoide cuantitativo', PC],
  ['86060', 'Antiestreptolisina O (ASO)', PC],
  ['86038', 'Anticuerpos antinucleares (ANA)', PC],
  ['86200', 'Anticuerpos anti péptido cíclico citrulinado (anti-CCP)', PC],
  ['86703', 'Anticuerpos VIH-1/2 (prueba de tamizaje)', PC],
  ['86592', 'Prueba no treponémica para sífilis (RPR / VDRL)', PC],
  ['86780', 'Prueba treponémica para sífilis (TPHA / FTA-Abs)', PC],
  ['87340', 'Antígeno de superficie de hepatitis B (HBsAg)', PC],
  ['86706', 'Anticuerpos contra antígeno de superficie de hepatitis B (anti-HBs)', PC],
  ['86704', 'Anticuerpos anti-core de hepatitis B total (anti-HBc)', PC],
  ['86709', 'Anticuerpos IgM contra hepatitis A', PC],
  ['86803', 'Anticuerpos contra hepatitis C', PC],
  ['86308', 'Prueba de anticuerpos heterófilos (mononucleosis)', PC],
  ['86762', 'Anticuerpos contra rubéola', PC],
  ['86777', 'Anticuerpos contra toxoplasma', PC],
  ['86644', 'Anticuerpos contra citomegalovirus', PC],
  ['86677', 'Anticuerpos contra Helicobacter pylori', PC],
  ['87338', 'Antígeno de Helicobacter pylori en heces', PC],
  ['86480', 'Prueba de liberación de interferón gamma para tuberculosis (IGRA)', PC],
  [null, 'Dengue: antígeno NS1 e IgM (prueba rápida o ELISA)', PC],
  // Pruebas rápidas y biología molecular
  ['87880', 'Prueba rápida de antígeno de estreptococo del grupo A', PC],
  ['87804', 'Prueba rápida de antígeno de influenza', PC],
  ['87811', 'Prueba rápida de antígeno para SARS-CoV-2', PC],
  ['87635', 'Prueba molecular (RT-PCR) para SARS-CoV-2', PC],
  ['86769', 'Anticuerpos contra SARS-CoV-2', PC],
  ['87624', 'Detección molecular de virus del papiloma humano (VPH) de alto riesgo', PC],
  // Orina
  ['81001', 'Examen completo de orina', PC],
  ['81015', 'Sedimento urinario', PC],
  ['82043', 'Microalbuminuria', PC],
  ['82570', 'Creatinina en orina', PC],
  ['84156', 'Proteínas en orina', PC],
  // Heces
  ['87177', 'Examen parasitológico seriado (concentración e identificación)', PC],
  ['87172', 'Test de Graham (detección de oxiuros)', PC],
  ['89055', 'Reacción inflamatoria en heces (leucocitos fecales)', PC],
  ['82270', 'Sangre oculta en heces (guayaco)', PC],
  ['82274', 'Sangre oculta en heces por inmunoquímica (test inmunoquímico fecal)', PC],
  // Microbiología
  ['87086', 'Urocultivo con recuento de colonias', PC],
  ['87088', 'Urocultivo con aislamiento e identificación presuntiva', PC],
  ['87045', 'Coprocultivo (Salmonella y Shigella)', PC],
  ['87040', 'Hemocultivo', PC],
  ['87070', 'Cultivo de secreción (otras muestras)', PC],
  ['87101', 'Cultivo de hongos (piel, pelo o uñas)', PC],
  ['87116', 'Cultivo de micobacterias (Mycobacterium tuberculosis)', PC],
  ['87184', 'Antibiograma por disco difusión', PC],
  ['87186', 'Antibiograma por concentración inhibitoria mínima (CIM)', PC],
  ['87205', 'Tinción de Gram', PC],
  ['87206', 'Baciloscopía (BK) de esputo', PC],
  ['87207', 'Gota gruesa y frotis para malaria', PC],
  ['87210', 'Examen directo en fresco de secreción', PC],
  ['87220', 'Examen directo con hidróxido de potasio (KOH) para hongos', PC],
  ['89320', 'Espermatograma', PC],
  // Monitoreo de fármacos
  ['80178', 'Dosaje de litio', PC],
  ['80185', 'Dosaje de fenitoína', PC],
  ['80164', 'Dosaje de ácido valproico', PC],
  ['80156', 'Dosaje de carbamazepina', PC],
  ['80162', 'Dosaje de digoxina', PC],
  // Anatomía patológica
  ['88164', 'Citología cervicovaginal convencional (Papanicolaou), sistema Bethesda', AP],
  ['88142', 'Citología cervicovaginal en base líquida', AP],
  ['88305', 'Estudio anatomopatológico de biopsia (nivel IV)', AP],
];

const IMAGEN = [
  // Radiología convencional
  ['71045', 'Radiografía de tórax, 1 incidencia', RX],
  ['71046', 'Radiografía de tórax, 2 incidencias (frontal y lateral)', RX],
  ['70160', 'Radiografía de huesos propios de la nariz', RX],
  ['70210', 'Radiografía de senos paranasales (menos de 3 incidencias)', RX],
  ['70220', 'Radiografía de senos paranasales completa', RX],
  ['70250', 'Radiografía de cráneo (menos de 4 incidencias)', RX],
  ['70355', 'Radiografía panorámica dental (ortopantomografía)', RX],
  ['72040', 'Radiografía de columna cervical (2 o 3 incidencias)', RX],
  ['72070', 'Radiografía de columna dorsal (2 incidencias)', RX],
  ['72100', 'Radiografía de columna lumbosacra (2 o 3 incidencias)', RX],
  ['72170', 'Radiografía de pelvis (1 o 2 incidencias)', RX],
  ['73030', 'Radiografía de hombro (mínimo 2 incidencias)', RX],
  ['73070', 'Radiografía de codo (2 incidencias)', RX],
  ['73090', 'Radiografía de antebrazo (2 incidencias)', RX],
  ['73100', 'Radiografía de muñeca (2 incidencias)', RX],
  ['73110', 'Radiografía de muñeca completa (mínimo 3 incidencias)', RX],
  ['73120', 'Radiografía de mano (2 incidencias)', RX],
  ['73130', 'Radiografía de mano (mínimo 3 incidencias)', RX],
  ['73140', 'Radiografía de dedos de la mano', RX],
  ['73502', 'Radiografía de cadera unilateral (2 o 3 incidencias)', RX],
  ['73560', 'Radiografía de rodilla (1 o 2 incidencias)', RX],
  ['73562', 'Radiografía de rodilla (3 incidencias)', RX],
  ['73590', 'Radiografía de pierna: tibia y peroné (2 incidencias)', RX],
  ['73600', 'Radiografía de tobillo (2 incidencias)', RX],
  ['73610', 'Radiografía de tobillo completa (mínimo 3 incidencias)', RX],
  ['73620', 'Radiografía de pie (2 incidencias)', RX],
  ['73630', 'Radiografía de pie completa (mínimo 3 incidencias)', RX],
  ['73650', 'Radiografía de calcáneo', RX],
  ['74018', 'Radiografía simple de abdomen, 1 incidencia', RX],
  ['74022', 'Serie de abdomen agudo', RX],
  ['74740', 'Histerosalpingografía', RX],
  // Ecografía
  ['76700', 'Ecografía abdominal completa', RX],
  ['76705', 'Ecografía abdominal limitada (un órgano o cuadrante)', RX],
  ['76770', 'Ecografía renal y de vías urinarias completa', RX],
  ['76775', 'Ecografía renal limitada', RX],
  ['76856', 'Ecografía pélvica transabdominal', RX],
  ['76830', 'Ecografía transvaginal', RX],
  ['76801', 'Ecografía obstétrica del primer trimestre (menos de 14 semanas)', RX],
  ['76805', 'Ecografía obstétrica (14 semanas o más)', RX],
  ['76815', 'Ecografía obstétrica limitada', RX],
  ['76817', 'Ecografía obstétrica transvaginal', RX],
  ['76818', 'Perfil biofísico fetal', RX],
  ['76820', 'Doppler de arteria umbilical', RX],
  ['76536', 'Ecografía de partes blandas de cabeza y cuello (tiroides)', RX],
  ['76641', 'Ecografía de mama unilateral completa', RX],
  ['76642', 'Ecografía de mama unilateral limitada', RX],
  ['76870', 'Ecografía testicular (escrotal)', RX],
  ['76872', 'Ecografía transrectal de próstata', RX],
  ['76882', 'Ecografía de partes blandas o articulación de extremidad (limitada)', RX],
  ['76885', 'Ecografía de caderas del lactante (dinámica)', RX],
  ['76506', 'Ecografía transfontanelar', RX],
  ['93880', 'Doppler carotídeo bilateral', RX],
  ['93970', 'Doppler venoso de miembros bilateral', RX],
  ['93925', 'Doppler arterial de miembros inferiores bilateral', RX],
  ['93306', 'Ecocardiograma transtorácico con Doppler', 'Cardiología'],
  // Mamografía y densitometría
  ['77067', 'Mamografía bilateral de tamizaje', RX],
  ['77066', 'Mamografía bilateral diagnóstica', RX],
  ['77065', 'Mamografía unilateral diagnóstica', RX],
  ['77080', 'Densitometría ósea (DXA) axial', RX],
  // Tomografía
  ['70450', 'Tomografía computarizada de cerebro sin contraste', RX],
  ['70460', 'Tomografía computarizada de cerebro con contraste', RX],
  ['70470', 'Tomografía computarizada de cerebro sin y con contraste', RX],
  ['70486', 'Tomografía computarizada de macizo facial y senos paranasales sin contraste', RX],
  ['71250', 'Tomografía computarizada de tórax sin contraste', RX],
  ['71260', 'Tomografía computarizada de tórax con contraste', RX],
  ['74150', 'Tomografía computarizada de abdomen sin contraste', RX],
  ['74176', 'Tomografía computarizada de abdomen y pelvis sin contraste', RX],
  ['74177', 'Tomografía computarizada de abdomen y pelvis con contraste', RX],
  ['72125', 'Tomografía computarizada de columna cervical sin contraste', RX],
  ['72131', 'Tomografía computarizada de columna lumbar sin contraste', RX],
  // Resonancia
  ['70551', 'Resonancia magnética de cerebro sin contraste', RX],
  ['70553', 'Resonancia magnética de cerebro sin y con contraste', RX],
  ['72141', 'Resonancia magnética de columna cervical sin contraste', RX],
  ['72148', 'Resonancia magnética de columna lumbar sin contraste', RX],
  ['73221', 'Resonancia magnética de articulación de miembro superior (hombro) sin contraste', RX],
  ['73721', 'Resonancia magnética de articulación de miembro inferior (rodilla) sin contraste', RX],
];

const MG = 'Medicina General';
const PROCEDIMIENTO = [
  // Atención / consulta
  ['99202', 'Consulta ambulatoria, paciente nuevo (decisión médica directa)', MG],
  ['99203', 'Consulta ambulatoria, paciente nuevo (complejidad baja)', MG],
  ['99204', 'Consulta ambulatoria, paciente nuevo (complejidad moderada)', MG],
  ['99212', 'Consulta ambulatoria, paciente continuador (decisión médica directa)', MG],
  ['99213', 'Consulta ambulatoria, paciente continuador (complejidad baja)', MG],
  ['99214', 'Consulta ambulatoria, paciente continuador (complejidad moderada)', MG],
  ['99381', 'Evaluación preventiva de niño sano menor de 1 año (paciente nuevo)', 'Pediatría'],
  ['99382', 'Evaluación preventiva de niño sano de 1 a 4 años (paciente nuevo)', 'Pediatría'],
  ['99401', 'Consejería preventiva individual (hasta 15 minutos)', MG],
  ['99406', 'Consejería para dejar de fumar (3 a 10 minutos)', MG],
  [null, 'Triaje: control de funciones vitales y antropometría', 'Enfermería'],
  [null, 'Valoración clínica del adulto mayor (VACAM)', 'Geriatría'],
  [null, 'Terapia de rehidratación oral supervisada en el establecimiento (plan B)', 'Pediatría'],
  ['96110', 'Tamizaje del desarrollo psicomotor con instrumento estandarizado', 'Pediatría'],
  ['96127', 'Tamizaje de salud mental con instrumento estandarizado (p. ej. PHQ-9)', 'Psicología'],
  ['99173', 'Tamizaje de agudeza visual', 'Oftalmología'],
  // Administración de medicamentos y accesos
  ['96372', 'Inyección intramuscular o subcutánea', 'Enfermería'],
  ['96374', 'Inyección endovenosa directa', 'Enfermería'],
  ['96360', 'Hidratación endovenosa, primera hora', 'Enfermería'],
  ['96365', 'Infusión endovenosa terapéutica, primera hora', 'Enfermería'],
  ['36000', 'Canalización de vía venosa periférica', 'Enfermería'],
  ['36415', 'Venopunción para toma de muestra', 'Enfermería'],
  ['36416', 'Punción capilar para toma de muestra', 'Enfermería'],
  ['90471', 'Administración de vacuna (primera dosis de la atención)', 'Enfermería'],
  ['86580', 'Prueba de tuberculina (PPD) intradérmica', 'Enfermería'],
  // Respiratorio
  ['94640', 'Nebulización', MG],
  ['94664', 'Enseñanza y evaluación de técnica de uso de inhalador', 'Neumología'],
  ['94760', 'Oximetría de pulso', MG],
  ['94010', 'Espirometría', 'Neumología'],
  ['94060', 'Espirometría pre y post broncodilatador', 'Neumología'],
  ['94618', 'Prueba de caminata de 6 minutos', 'Neumología'],
  // Cardiología
  ['93000', 'Electrocardiograma de 12 derivaciones con informe', 'Cardiología'],
  ['93224', 'Holter de electrocardiograma (hasta 48 horas)', 'Cardiología'],
  ['93784', 'Monitoreo ambulatorio de presión arterial (MAPA) de 24 horas', 'Cardiología'],
  ['93015', 'Prueba de esfuerzo cardiovascular', 'Cardiología'],
  ['93922', 'Índice tobillo-brazo bilateral', 'Cardiología'],
  // Cirugía menor y piel
  ['12001', 'Sutura simple de herida hasta 2,5 cm (cuero cabelludo, cuello, tronco o extremidades)', 'Cirugía General'],
  ['12002', 'Sutura simple de herida de 2,6 a 7,5 cm (cuero cabelludo, cuello, tronco o extremidades)', 'Cirugía General'],
  ['12011', 'Sutura simple de herida en cara hasta 2,5 cm', 'Cirugía General'],
  [null, 'Curación de herida simple', 'Enfermería'],
  [null, 'Retiro de puntos de sutura', 'Enfermería'],
  ['97597', 'Desbridamiento selectivo de herida (primeros 20 cm²)', 'Cirugía General'],
  ['16020', 'Curación de quemadura de espesor parcial, pequeña (menos del 5 % de superficie corporal)', 'Cirugía General'],
  ['10060', 'Incisión y drenaje de absceso simple (forúnculo, paroniquia)', 'Cirugía General'],
  ['10061', 'Incisión y drenaje de absceso complicado o múltiple', 'Cirugía General'],
  ['10080', 'Incisión y drenaje de quiste pilonidal simple', 'Cirugía General'],
  ['10120', 'Extracción de cuerpo extraño subcutáneo simple', 'Cirugía General'],
  ['10160', 'Punción aspiración de absceso, hematoma o quiste', 'Cirugía General'],
  ['11730', 'Avulsión de uña', 'Cirugía General'],
  ['11750', 'Exéresis de uña y matriz ungueal (matricectomía)', 'Cirugía General'],
  ['11765', 'Resección en cuña de pliegue ungueal (uña encarnada)', 'Cirugía General'],
  ['11740', 'Evacuación de hematoma subungueal', 'Cirugía General'],
  ['11720', 'Desbridamiento de uñas (1 a 5)', 'Cirugía General'],
  ['11200', 'Extirpación de acrocordones (hasta 15 lesiones)', 'Dermatología'],
  ['11401', 'Exéresis de lesión cutánea benigna de tronco o extremidades (0,6 a 1,0 cm)', 'Cirugía General'],
  ['11102', 'Biopsia de piel por afeitado (tangencial), lesión única', 'Dermatología'],
  ['11104', 'Biopsia de piel con sacabocados (punch), lesión única', 'Dermatología'],
  ['17000', 'Destrucción de lesión premaligna (queratosis actínica), primera lesión', 'Dermatología'],
  ['17110', 'Destrucción de verrugas (hasta 14 lesiones)', 'Dermatología'],
  ['17250', 'Cauterización química de tejido de granulación', 'Cirugía General'],
  ['95004', 'Pruebas cutáneas de alergia (prick test)', 'Alergia e Inmunología'],
  // Traumatología y rehabilitación
  ['20600', 'Infiltración o artrocentesis de articulación pequeña', 'Traumatología'],
  ['20605', 'Infiltración o artrocentesis de articulación intermedia', 'Traumatología'],
  ['20610', 'Infiltración o artrocentesis de articulación mayor', 'Traumatología'],
  ['20550', 'Infiltración de vaina tendinosa o ligamento', 'Traumatología'],
  ['20552', 'Infiltración de puntos gatillo (1 o 2 músculos)', 'Medicina Física y Rehabilitación'],
  ['24640', 'Reducción cerrada de pronación dolorosa (subluxación de cabeza radial)', 'Traumatología'],
  ['29125', 'Férula de antebrazo (corta)', 'Traumatología'],
  ['29130', 'Férula de dedo', 'Traumatología'],
  ['29515', 'Férula de pierna (corta)', 'Traumatología'],
  ['29075', 'Yeso de antebrazo (corto)', 'Traumatología'],
  ['29405', 'Yeso de pierna (corto, debajo de rodilla)', 'Traumatología'],
  ['29540', 'Vendaje funcional de tobillo', 'Traumatología'],
  ['97161', 'Evaluación de fisioterapia (baja complejidad)', 'Medicina Física y Rehabilitación'],
  ['97110', 'Ejercicios terapéuticos (por 15 minutos)', 'Medicina Física y Rehabilitación'],
  ['97140', 'Terapia manual (por 15 minutos)', 'Medicina Física y Rehabilitación'],
  ['97010', 'Aplicación de compresas calientes o frías', 'Medicina Física y Rehabilitación'],
  ['97014', 'Electroestimulación no supervisada', 'Medicina Física y Rehabilitación'],
  ['97035', 'Ultrasonido terapéutico (por 15 minutos)', 'Medicina Física y Rehabilitación'],
  // Otorrinolaringología
  ['69209', 'Extracción de cerumen por lavado de oído, unilateral', 'Otorrinolaringología'],
  ['69210', 'Extracción de cerumen impactado con instrumental, unilateral', 'Otorrinolaringología'],
  ['69200', 'Extracción de cuerpo extraño de conducto auditivo externo', 'Otorrinolaringología'],
  ['30300', 'Extracción de cuerpo extraño nasal', 'Otorrinolaringología'],
  ['30901', 'Control de epistaxis anterior simple (taponamiento o cauterización)', 'Otorrinolaringología'],
  ['42809', 'Extracción de cuerpo extraño de faringe', 'Otorrinolaringología'],
  ['31231', 'Endoscopía nasal diagnóstica (nasofibroscopía)', 'Otorrinolaringología'],
  ['31575', 'Laringoscopía flexible diagnóstica', 'Otorrinolaringología'],
  ['92551', 'Tamizaje auditivo (audiometría de tonos puros por vía aérea)', 'Otorrinolaringología'],
  ['92552', 'Audiometría tonal liminar (vía aérea)', 'Otorrinolaringología'],
  ['92557', 'Audiometría completa (tonal y logoaudiometría)', 'Otorrinolaringología'],
  ['92567', 'Timpanometría', 'Otorrinolaringología'],
  // Oftalmología
  ['65205', 'Extracción de cuerpo extraño conjuntival superficial', 'Oftalmología'],
  ['65220', 'Extracción de cuerpo extraño corneal sin lámpara de hendidura', 'Oftalmología'],
  ['92015', 'Refracción (medida de vista)', 'Oftalmología'],
  ['92250', 'Retinografía (fotografía de fondo de ojo)', 'Oftalmología'],
  // Ginecología y obstetricia
  [null, 'Toma de muestra para citología cervicovaginal (Papanicolaou)', 'Ginecología'],
  [null, 'Inspección visual con ácido acético (IVAA)', 'Ginecología'],
  [null, 'Examen clínico de mamas', 'Ginecología'],
  ['58300', 'Inserción de dispositivo intrauterino (DIU)', 'Ginecología'],
  ['58301', 'Retiro de dispositivo intrauterino (DIU)', 'Ginecología'],
  ['11981', 'Inserción de implante anticonceptivo subdérmico', 'Ginecología'],
  ['11982', 'Retiro de implante anticonceptivo subdérmico', 'Ginecología'],
  ['57452', 'Colposcopía', 'Ginecología'],
  ['57455', 'Colposcopía con biopsia de cérvix', 'Ginecología'],
  ['57460', 'Colposcopía con biopsia por asa electroquirúrgica (LEEP)', 'Ginecología'],
  ['57511', 'Crioterapia de cérvix', 'Ginecología'],
  ['56405', 'Incisión y drenaje de absceso vulvar o perineal', 'Ginecología'],
  ['56420', 'Incisión y drenaje de absceso de glándula de Bartholin', 'Ginecología'],
  ['59025', 'Monitoreo fetal electrónico (test no estresante)', 'Obstetricia'],
  // Urología
  ['51701', 'Cateterismo vesical intermitente (sonda recta)', 'Urología'],
  ['51702', 'Colocación de sonda vesical permanente (Foley)', 'Urología'],
  ['51798', 'Medición de residuo posmiccional por ecografía', 'Urología'],
  // Gastroenterología y proctología
  ['46083', 'Incisión de hemorroide externa trombosada', 'Cirugía General'],
  ['46600', 'Anoscopía diagnóstica', 'Cirugía General'],
  ['45330', 'Rectosigmoidoscopía flexible diagnóstica', 'Gastroenterología'],
  ['43235', 'Endoscopía digestiva alta diagnóstica', 'Gastroenterología'],
  ['43239', 'Endoscopía digestiva alta con biopsia', 'Gastroenterología'],
  ['45378', 'Colonoscopía diagnóstica', 'Gastroenterología'],
  ['45380', 'Colonoscopía con biopsia', 'Gastroenterología'],
  // Neurología
  ['95816', 'Electroencefalograma en vigilia y somnolencia', 'Neurología'],
  // Salud mental y nutrición
  ['90791', 'Evaluación diagnóstica psiquiátrica', 'Psiquiatría'],
  ['90832', 'Psicoterapia individual (30 minutos)', 'Psicología'],
  ['90834', 'Psicoterapia individual (45 minutos)', 'Psicología'],
  ['97802', 'Terapia nutricional, evaluación inicial (por 15 minutos)', 'Nutrición'],
  // Odontología
  ['99188', 'Aplicación de barniz de flúor', 'Odontología'],
];

const INTERCONSULTA = [
  'Alergia e Inmunología', 'Cardiología', 'Cirugía General', 'Cirugía Plástica', 'Dermatología',
  'Endocrinología', 'Gastroenterología', 'Geriatría', 'Ginecología y Obstetricia', 'Hematología',
  'Infectología', 'Medicina Física y Rehabilitación', 'Medicina Interna', 'Nefrología', 'Neumología',
  'Neurocirugía', 'Neurología', 'Nutrición', 'Obstetricia', 'Odontología', 'Oftalmología',
  'Oncología Médica', 'Otorrinolaringología', 'Pediatría', 'Psicología', 'Psiquiatría',
  'Reumatología', 'Traumatología y Ortopedia', 'Urología',
];

const rows = [];
const add = (tipo, list) => {
  for (const [codigo, nombre, especialidad] of list) rows.push({ codigo, nombre, tipo, especialidad });
};
add('LABORATORIO', LABORATORIO);
add('IMAGEN', IMAGEN);
add('PROCEDIMIENTO', PROCEDIMIENTO);
for (const esp of INTERCONSULTA) rows.push({ codigo: null, nombre: `Interconsulta a ${esp}`, tipo: 'INTERCONSULTA', especialidad: esp });

// Controles de integridad.
const seenCode = new Map();
const seenName = new Set();
for (const r of rows) {
  if (r.codigo !== null && !/^\d{5}$/.test(r.codigo)) throw new Error(`Código inválido: ${r.codigo}`);
  if (r.codigo !== null) {
    if (seenCode.has(r.codigo)) throw new Error(`Código repetido ${r.codigo}: ${seenCode.get(r.codigo)} / ${r.nombre}`);
    seenCode.set(r.codigo, r.nombre);
  }
  const k = norm(r.nombre);
  if (seenName.has(k)) throw new Error(`Nombre repetido: ${r.nombre}`);
  seenName.add(k);
}

// Orden estable: tipo, luego nombre (sin tildes ni mayúsculas; desempate por texto exacto).
rows.sort((a, b) => cmp(a.tipo, b.tipo) || cmp(norm(a.nombre), norm(b.nombre)) || cmp(a.nombre, b.nombre));

writeJson('procedures.json', rows);
const by = {};
for (const r of rows) by[r.tipo] = (by[r.tipo] || 0) + 1;
console.log(`procedures.json: ${rows.length} procedimientos (${Object.entries(by).map(([k, v]) => `${k} ${v}`).join(', ')}); ` +
  `${rows.filter((r) => r.codigo).length} con código, ${rows.filter((r) => !r.codigo).length} sin código`);
