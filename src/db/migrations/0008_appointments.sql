CREATE TABLE "appointments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"patient_id" uuid NOT NULL,
	"doctor_id" uuid NOT NULL,
	"service_type_id" uuid NOT NULL,
	"fecha" date NOT NULL,
	"hora" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"duracion_minutos" integer NOT NULL,
	"descripcion_servicio" text NOT NULL,
	"info_pago" text NOT NULL,
	"estado" text DEFAULT 'PENDIENTE' NOT NULL,
	"seguro" jsonb,
	"codigo_externo_cita" text,
	"id_transaccion_ventas" text,
	"sobrecupo" boolean DEFAULT false NOT NULL,
	"precio" numeric(10, 2),
	"historial" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"motivo_sin_cupo" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" uuid,
	"updated_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "service_types" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"codigo" text NOT NULL,
	"codigo_ventas" text,
	"nombre" text NOT NULL,
	"especialidad" text NOT NULL,
	"duracion_minutos" integer DEFAULT 20 NOT NULL,
	"precio" numeric(10, 2) DEFAULT '0' NOT NULL,
	"codigo_cpms" text,
	"activo" boolean DEFAULT true NOT NULL,
	"origen" text DEFAULT 'HCE' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_patient_id_patients_id_fk" FOREIGN KEY ("patient_id") REFERENCES "public"."patients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_doctor_id_users_id_fk" FOREIGN KEY ("doctor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_service_type_id_service_types_id_fk" FOREIGN KEY ("service_type_id") REFERENCES "public"."service_types"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "appointments_codigo_externo_key" ON "appointments" USING btree ("codigo_externo_cita") WHERE "appointments"."codigo_externo_cita" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "appointments_doctor_fecha_idx" ON "appointments" USING btree ("doctor_id","fecha","hora");--> statement-breakpoint
CREATE INDEX "appointments_patient_fecha_idx" ON "appointments" USING btree ("patient_id","fecha");--> statement-breakpoint
CREATE INDEX "appointments_fecha_estado_idx" ON "appointments" USING btree ("fecha","estado","hora");--> statement-breakpoint
CREATE INDEX "appointments_service_fecha_idx" ON "appointments" USING btree ("service_type_id","fecha");--> statement-breakpoint
CREATE INDEX "appointments_transaccion_idx" ON "appointments" USING btree ("id_transaccion_ventas");--> statement-breakpoint
CREATE UNIQUE INDEX "service_types_codigo_key" ON "service_types" USING btree ("codigo");--> statement-breakpoint
CREATE UNIQUE INDEX "service_types_codigo_ventas_key" ON "service_types" USING btree ("codigo_ventas") WHERE "service_types"."codigo_ventas" IS NOT NULL;