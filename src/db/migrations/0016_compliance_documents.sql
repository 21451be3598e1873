CREATE TABLE "service_type_prices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"service_type_id" uuid NOT NULL,
	"precio" numeric(10, 2) NOT NULL,
	"moneda" text DEFAULT 'PEN' NOT NULL,
	"vigente_desde" date NOT NULL,
	"codigo_afectacion_igv" text NOT NULL,
	"codigo_producto_sunat" text,
	"unidad_medida" text DEFAULT 'ZZ' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "informed_consents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"attention_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"tipo" text NOT NULL,
	"procedimiento" text NOT NULL,
	"firmado_por" text NOT NULL,
	"nombre_firmante" text NOT NULL,
	"parentesco" text,
	"fecha" date NOT NULL,
	"attachment_id" uuid,
	"adjunto_verificado" boolean DEFAULT false NOT NULL,
	"posterior_al_cierre" boolean DEFAULT false NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "patient_data_consents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"patient_id" uuid NOT NULL,
	"otorgado" boolean NOT NULL,
	"canal" text NOT NULL,
	"fecha" date NOT NULL,
	"observaciones" text,
	"registrado_por" uuid,
	"registrado_en" timestamp with time zone DEFAULT now() NOT NULL,
	"revocado_en" timestamp with time zone,
	"revocado_por" uuid,
	"motivo_revocacion" text
);
--> statement-breakpoint
CREATE TABLE "adverse_drug_reactions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"attention_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"prescription_id" uuid,
	"medicamento_id" uuid,
	"medicamento" jsonb NOT NULL,
	"reaccion" text NOT NULL,
	"severidad" text NOT NULL,
	"fecha_inicio" date NOT NULL,
	"fecha_fin" date,
	"desenlace" text NOT NULL,
	"observaciones" text,
	"notificado_por" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "verification_codes" (
	"code" text PRIMARY KEY NOT NULL,
	"tipo_documento" text NOT NULL,
	"entity" text NOT NULL,
	"entity_id" uuid NOT NULL,
	"seal_hash" text NOT NULL,
	"document_sha256" text NOT NULL,
	"establecimiento" text NOT NULL,
	"firmante" jsonb NOT NULL,
	"firmado" boolean NOT NULL,
	"issued_by" uuid NOT NULL,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "attention_signatures" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"attention_id" uuid NOT NULL,
	"seal_hash" text NOT NULL,
	"jws" text NOT NULL,
	"alg" text NOT NULL,
	"certificate_pem" text NOT NULL,
	"cert_subject" text NOT NULL,
	"cert_issuer" text NOT NULL,
	"cert_serial" text NOT NULL,
	"cert_not_before" timestamp with time zone NOT NULL,
	"cert_not_after" timestamp with time zone NOT NULL,
	"signed_at" timestamp with time zone NOT NULL,
	"signed_by" uuid NOT NULL,
	CONSTRAINT "attention_signatures_attentionId_unique" UNIQUE("attention_id")
);
--> statement-breakpoint
ALTER TABLE "service_type_prices" ADD CONSTRAINT "service_type_prices_service_type_id_service_types_id_fk" FOREIGN KEY ("service_type_id") REFERENCES "public"."service_types"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "informed_consents" ADD CONSTRAINT "informed_consents_attention_id_medical_attentions_id_fk" FOREIGN KEY ("attention_id") REFERENCES "public"."medical_attentions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "informed_consents" ADD CONSTRAINT "informed_consents_patient_id_patients_id_fk" FOREIGN KEY ("patient_id") REFERENCES "public"."patients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patient_data_consents" ADD CONSTRAINT "patient_data_consents_patient_id_patients_id_fk" FOREIGN KEY ("patient_id") REFERENCES "public"."patients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "adverse_drug_reactions" ADD CONSTRAINT "adverse_drug_reactions_attention_id_medical_attentions_id_fk" FOREIGN KEY ("attention_id") REFERENCES "public"."medical_attentions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "adverse_drug_reactions" ADD CONSTRAINT "adverse_drug_reactions_patient_id_patients_id_fk" FOREIGN KEY ("patient_id") REFERENCES "public"."patients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attention_signatures" ADD CONSTRAINT "attention_signatures_attention_id_medical_attentions_id_fk" FOREIGN KEY ("attention_id") REFERENCES "public"."medical_attentions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "service_type_prices_vigencia_key" ON "service_type_prices" USING btree ("service_type_id","vigente_desde");--> statement-breakpoint
CREATE INDEX "service_type_prices_desde_idx" ON "service_type_prices" USING btree ("vigente_desde");--> statement-breakpoint
CREATE INDEX "informed_consents_attention_idx" ON "informed_consents" USING btree ("attention_id");--> statement-breakpoint
CREATE INDEX "informed_consents_patient_idx" ON "informed_consents" USING btree ("patient_id");--> statement-breakpoint
CREATE INDEX "patient_data_consents_patient_idx" ON "patient_data_consents" USING btree ("patient_id","registrado_en");--> statement-breakpoint
CREATE INDEX "patient_data_consents_vigente_idx" ON "patient_data_consents" USING btree ("patient_id") WHERE "patient_data_consents"."revocado_en" IS NULL;--> statement-breakpoint
CREATE INDEX "adverse_drug_reactions_attention_idx" ON "adverse_drug_reactions" USING btree ("attention_id");--> statement-breakpoint
CREATE INDEX "adverse_drug_reactions_fecha_idx" ON "adverse_drug_reactions" USING btree ("fecha_inicio");--> statement-breakpoint
CREATE INDEX "adverse_drug_reactions_patient_idx" ON "adverse_drug_reactions" USING btree ("patient_id");--> statement-breakpoint
CREATE INDEX "verification_codes_entity_idx" ON "verification_codes" USING btree ("entity","entity_id");