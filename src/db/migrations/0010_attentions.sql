CREATE TABLE "attention_diagnoses" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"attention_id" uuid NOT NULL,
	"sistema" text DEFAULT 'CIE-10' NOT NULL,
	"cie_code" text NOT NULL,
	"description" text NOT NULL,
	"type" text NOT NULL,
	"fecha_inicio_sintomas" date,
	"notificable" text,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"deleted_by" uuid,
	"motivo_eliminacion" text
);
--> statement-breakpoint
CREATE TABLE "evolutions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"attention_id" uuid NOT NULL,
	"notas" text NOT NULL,
	"user_id" uuid NOT NULL,
	"fecha_hora" timestamp with time zone DEFAULT now() NOT NULL,
	"addendum_seq" integer,
	"prev_hash" text,
	"hash" text
);
--> statement-breakpoint
CREATE TABLE "medical_attentions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"patient_id" uuid NOT NULL,
	"doctor_id" uuid NOT NULL,
	"appointment_id" uuid,
	"motivo_sin_cita" text,
	"fecha_atencion" timestamp with time zone NOT NULL,
	"tipo_atencion" text NOT NULL,
	"motivo_consulta" text,
	"anamnesis" text,
	"antecedentes" jsonb,
	"examen_fisico" text,
	"tiempo_enfermedad" text,
	"forma_inicio" text,
	"curso" text,
	"funciones_biologicas" jsonb,
	"plan_trabajo" text,
	"proxima_cita" date,
	"estado" text DEFAULT 'ABIERTA' NOT NULL,
	"finalized_at" timestamp with time zone,
	"firmante" jsonb,
	"seal_hash" text,
	"addenda_count" integer DEFAULT 0 NOT NULL,
	"addenda_head" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "medical_orders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"attention_id" uuid NOT NULL,
	"numero_orden" text NOT NULL,
	"tipo" text NOT NULL,
	"detalle" text NOT NULL,
	"indicaciones" text,
	"procedure_code" text,
	"procedure_name" text,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"deleted_by" uuid,
	"motivo_eliminacion" text
);
--> statement-breakpoint
CREATE TABLE "prescriptions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"attention_id" uuid NOT NULL,
	"medicamento_id" uuid NOT NULL,
	"medicamento" jsonb NOT NULL,
	"dosis" text NOT NULL,
	"via" text NOT NULL,
	"frecuencia" text NOT NULL,
	"duracion" text NOT NULL,
	"cantidad" numeric(10, 2) NOT NULL,
	"indicaciones" text,
	"alertas" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"alerta_confirmada" boolean DEFAULT false NOT NULL,
	"motivo_confirmacion" text,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"deleted_by" uuid,
	"motivo_eliminacion" text
);
--> statement-breakpoint
CREATE TABLE "vital_signs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"attention_id" uuid NOT NULL,
	"pa_sistolica" integer,
	"pa_diastolica" integer,
	"fc" integer,
	"fr" integer,
	"temp" numeric(4, 1),
	"sat_o_2" integer,
	"peso" numeric(6, 2),
	"talla" numeric(4, 2),
	"imc" numeric(5, 2),
	"imc_categoria" text,
	"imc_pediatrico" boolean DEFAULT false NOT NULL,
	"recorded_by" uuid NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "vital_signs_attentionId_unique" UNIQUE("attention_id")
);
--> statement-breakpoint
ALTER TABLE "attention_diagnoses" ADD CONSTRAINT "attention_diagnoses_attention_id_medical_attentions_id_fk" FOREIGN KEY ("attention_id") REFERENCES "public"."medical_attentions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evolutions" ADD CONSTRAINT "evolutions_attention_id_medical_attentions_id_fk" FOREIGN KEY ("attention_id") REFERENCES "public"."medical_attentions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evolutions" ADD CONSTRAINT "evolutions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "medical_attentions" ADD CONSTRAINT "medical_attentions_patient_id_patients_id_fk" FOREIGN KEY ("patient_id") REFERENCES "public"."patients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "medical_attentions" ADD CONSTRAINT "medical_attentions_doctor_id_users_id_fk" FOREIGN KEY ("doctor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "medical_attentions" ADD CONSTRAINT "medical_attentions_appointment_id_appointments_id_fk" FOREIGN KEY ("appointment_id") REFERENCES "public"."appointments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "medical_orders" ADD CONSTRAINT "medical_orders_attention_id_medical_attentions_id_fk" FOREIGN KEY ("attention_id") REFERENCES "public"."medical_attentions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prescriptions" ADD CONSTRAINT "prescriptions_attention_id_medical_attentions_id_fk" FOREIGN KEY ("attention_id") REFERENCES "public"."medical_attentions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vital_signs" ADD CONSTRAINT "vital_signs_attention_id_medical_attentions_id_fk" FOREIGN KEY ("attention_id") REFERENCES "public"."medical_attentions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "attention_diagnoses_attention_idx" ON "attention_diagnoses" USING btree ("attention_id");--> statement-breakpoint
CREATE UNIQUE INDEX "attention_diagnoses_code_key" ON "attention_diagnoses" USING btree ("attention_id","cie_code") WHERE "attention_diagnoses"."deleted_at" IS NULL;--> statement-breakpoint
CREATE INDEX "attention_diagnoses_code_idx" ON "attention_diagnoses" USING btree ("cie_code");--> statement-breakpoint
CREATE INDEX "evolutions_attention_idx" ON "evolutions" USING btree ("attention_id","fecha_hora");--> statement-breakpoint
CREATE UNIQUE INDEX "medical_attentions_appointment_key" ON "medical_attentions" USING btree ("appointment_id") WHERE "medical_attentions"."appointment_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "medical_attentions_patient_idx" ON "medical_attentions" USING btree ("patient_id","fecha_atencion");--> statement-breakpoint
CREATE INDEX "medical_attentions_doctor_idx" ON "medical_attentions" USING btree ("doctor_id","fecha_atencion");--> statement-breakpoint
CREATE INDEX "medical_attentions_fecha_idx" ON "medical_attentions" USING btree ("fecha_atencion");--> statement-breakpoint
CREATE INDEX "medical_orders_attention_idx" ON "medical_orders" USING btree ("attention_id");--> statement-breakpoint
CREATE UNIQUE INDEX "medical_orders_numero_key" ON "medical_orders" USING btree ("numero_orden");--> statement-breakpoint
CREATE INDEX "prescriptions_attention_idx" ON "prescriptions" USING btree ("attention_id");