-- No accidental double booking: a doctor's non-cancelled appointments never overlap, unless
-- booked on purpose as overbooking (sobrecupo). Enforced here so it holds under concurrency.
ALTER TABLE appointments ADD CONSTRAINT appointments_no_overlap
  EXCLUDE USING gist (doctor_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
  WHERE (estado <> 'CANCELADA' AND NOT sobrecupo);
--> statement-breakpoint
ALTER TABLE appointments ADD CONSTRAINT appointments_estado_check
  CHECK (estado IN ('PENDIENTE', 'CONFIRMADA', 'EN_CONSULTA', 'ATENDIDA', 'CANCELADA', 'REPROGRAMADA'));
--> statement-breakpoint
ALTER TABLE appointments ADD CONSTRAINT appointments_info_pago_check
  CHECK (info_pago IN ('PAGADO', 'PENDIENTE', 'ANULADO', 'SEGURO'));
--> statement-breakpoint
ALTER TABLE appointments ADD CONSTRAINT appointments_time_check CHECK (ends_at > starts_at);
--> statement-breakpoint
-- Real outpatient services of the clinic (prices in PEN, editable by ADMIN).
INSERT INTO service_types (codigo, codigo_ventas, nombre, especialidad, duracion_minutos, precio, codigo_cpms) VALUES
  ('CONS-MG', NULL, 'Consulta de medicina general', 'Medicina General', 20, 60.00, '99203'),
  ('CONS-PED', NULL, 'Consulta de pediatría', 'Pediatría', 20, 80.00, '99203'),
  ('CONS-GIN', NULL, 'Consulta de ginecología', 'Ginecología y Obstetricia', 30, 90.00, '99203'),
  ('CONS-CAR', NULL, 'Consulta de cardiología', 'Cardiología', 30, 120.00, '99203'),
  ('CTRL', NULL, 'Consulta de control (continuador)', 'Medicina General', 15, 40.00, '99213')
ON CONFLICT (codigo) DO NOTHING;
