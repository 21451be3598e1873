CREATE TABLE "epi_notifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"patient_id" uuid NOT NULL,
	"attention_id" uuid NOT NULL,
	"diagnosis_id" uuid NOT NULL,
	"doctor_id" uuid NOT NULL,
	"disease_id" uuid NOT NULL,
	"enfermedad_codigo" text NOT NULL,
	"enfermedad_nombre" text NOT NULL,
	"periodicidad" text NOT NULL,
	"cie_code" text NOT NULL,
	"tipo_diagnostico" text NOT NULL,
	"ubigeo" text,
	"fecha_diagnostico" date NOT NULL,
	"fecha_inicio_sintomas" date NOT NULL,
	"semana_anio" smallint NOT NULL,
	"semana_numero" smallint NOT NULL,
	"estado" text DEFAULT 'PENDIENTE' NOT NULL,
	"notificada_at" timestamp with time zone,
	"notificada_por" uuid,
	"codigo_notiweb" text,
	"observacion" text,
	"descartada_at" timestamp with time zone,
	"historial" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "renhice_exports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"attention_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"estado" text DEFAULT 'PENDIENTE' NOT NULL,
	"intentos" integer DEFAULT 0 NOT NULL,
	"finalized_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"ultimo_intento_at" timestamp with time zone,
	"ultimo_error" text,
	"enviado_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "epi_notifications" ADD CONSTRAINT "epi_notifications_patient_id_patients_id_fk" FOREIGN KEY ("patient_id") REFERENCES "public"."patients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "epi_notifications" ADD CONSTRAINT "epi_notifications_attention_id_medical_attentions_id_fk" FOREIGN KEY ("attention_id") REFERENCES "public"."medical_attentions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "epi_notifications" ADD CONSTRAINT "epi_notifications_diagnosis_id_attention_diagnoses_id_fk" FOREIGN KEY ("diagnosis_id") REFERENCES "public"."attention_diagnoses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "epi_notifications" ADD CONSTRAINT "epi_notifications_doctor_id_users_id_fk" FOREIGN KEY ("doctor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "epi_notifications" ADD CONSTRAINT "epi_notifications_disease_id_notifiable_diseases_id_fk" FOREIGN KEY ("disease_id") REFERENCES "public"."notifiable_diseases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "epi_notifications" ADD CONSTRAINT "epi_notifications_notificada_por_users_id_fk" FOREIGN KEY ("notificada_por") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "renhice_exports" ADD CONSTRAINT "renhice_exports_attention_id_medical_attentions_id_fk" FOREIGN KEY ("attention_id") REFERENCES "public"."medical_attentions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "renhice_exports" ADD CONSTRAINT "renhice_exports_patient_id_patients_id_fk" FOREIGN KEY ("patient_id") REFERENCES "public"."patients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "epi_notifications_diagnosis_key" ON "epi_notifications" USING btree ("diagnosis_id");--> statement-breakpoint
CREATE INDEX "epi_notifications_semana_idx" ON "epi_notifications" USING btree ("semana_anio","semana_numero");--> statement-breakpoint
CREATE INDEX "epi_notifications_estado_idx" ON "epi_notifications" USING btree ("estado","periodicidad","created_at");--> statement-breakpoint
CREATE INDEX "epi_notifications_patient_idx" ON "epi_notifications" USING btree ("patient_id","disease_id");--> statement-breakpoint
CREATE INDEX "epi_notifications_inicio_idx" ON "epi_notifications" USING btree ("fecha_inicio_sintomas");--> statement-breakpoint
CREATE UNIQUE INDEX "renhice_exports_attention_key" ON "renhice_exports" USING btree ("attention_id");--> statement-breakpoint
CREATE INDEX "renhice_exports_estado_due_idx" ON "renhice_exports" USING btree ("estado","due_at");--> statement-breakpoint
CREATE INDEX "renhice_exports_patient_idx" ON "renhice_exports" USING btree ("patient_id");