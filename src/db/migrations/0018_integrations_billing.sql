CREATE TABLE "integration_client_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"client_id" uuid NOT NULL,
	"prefix" text NOT NULL,
	"key_hash" text NOT NULL,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "integration_clients" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"nombre" text NOT NULL,
	"descripcion" text,
	"permisos" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"origen" text DEFAULT 'ADMIN' NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_by" uuid,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "billing_transactions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"id_transaccion_ventas" text NOT NULL,
	"client_id" uuid NOT NULL,
	"payload_sha256" text NOT NULL,
	"info_pago" text NOT NULL,
	"anulada" boolean DEFAULT false NOT NULL,
	"patient_id" uuid NOT NULL,
	"appointment_id" uuid,
	"reconciliacion" text,
	"respuesta" jsonb NOT NULL,
	"observaciones" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"requiere_revision" boolean DEFAULT false NOT NULL,
	"entregas" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "integration_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"endpoint" text NOT NULL,
	"client_id" uuid,
	"id_transaccion_ventas" text,
	"payload_sha256" text,
	"status_code" integer NOT NULL,
	"outcome" text NOT NULL,
	"latency_ms" integer NOT NULL,
	"request_id" text
);
--> statement-breakpoint
CREATE TABLE "integration_outbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"seq" bigserial NOT NULL,
	"destino" text DEFAULT 'COBRANZA' NOT NULL,
	"event_type" text NOT NULL,
	"aggregate_id" uuid NOT NULL,
	"payload_enc" text NOT NULL,
	"estado" text DEFAULT 'PENDIENTE' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone,
	"last_status" integer,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "integration_client_keys" ADD CONSTRAINT "integration_client_keys_client_id_integration_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."integration_clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_transactions" ADD CONSTRAINT "billing_transactions_client_id_integration_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."integration_clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_transactions" ADD CONSTRAINT "billing_transactions_patient_id_patients_id_fk" FOREIGN KEY ("patient_id") REFERENCES "public"."patients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_transactions" ADD CONSTRAINT "billing_transactions_appointment_id_appointments_id_fk" FOREIGN KEY ("appointment_id") REFERENCES "public"."appointments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "integration_client_keys_hash_key" ON "integration_client_keys" USING btree ("key_hash");--> statement-breakpoint
CREATE INDEX "integration_client_keys_client_idx" ON "integration_client_keys" USING btree ("client_id");--> statement-breakpoint
CREATE UNIQUE INDEX "integration_clients_nombre_key" ON "integration_clients" USING btree ("nombre");--> statement-breakpoint
CREATE UNIQUE INDEX "billing_transactions_id_ventas_key" ON "billing_transactions" USING btree ("id_transaccion_ventas");--> statement-breakpoint
CREATE INDEX "billing_transactions_appointment_idx" ON "billing_transactions" USING btree ("appointment_id");--> statement-breakpoint
CREATE INDEX "billing_transactions_patient_idx" ON "billing_transactions" USING btree ("patient_id");--> statement-breakpoint
CREATE INDEX "billing_transactions_revision_idx" ON "billing_transactions" USING btree ("requiere_revision","updated_at");--> statement-breakpoint
CREATE INDEX "integration_log_received_idx" ON "integration_log" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "integration_log_transaccion_idx" ON "integration_log" USING btree ("id_transaccion_ventas");--> statement-breakpoint
CREATE INDEX "integration_outbox_due_idx" ON "integration_outbox" USING btree ("estado","next_attempt_at");--> statement-breakpoint
CREATE INDEX "integration_outbox_aggregate_idx" ON "integration_outbox" USING btree ("aggregate_id","seq");--> statement-breakpoint
CREATE INDEX "integration_outbox_created_idx" ON "integration_outbox" USING btree ("created_at");