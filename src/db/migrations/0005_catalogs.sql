CREATE TABLE "allergen_groups" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"codigo" text NOT NULL,
	"nombre" text NOT NULL,
	"sinonimos" text[] DEFAULT '{}'::text[] NOT NULL,
	"atc_prefijos" text[] DEFAULT '{}'::text[] NOT NULL,
	"ingredientes" text[] DEFAULT '{}'::text[] NOT NULL,
	"reactividad_cruzada" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"activo" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "diagnoses" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"sistema" text DEFAULT 'CIE-10' NOT NULL,
	"codigo" text NOT NULL,
	"descripcion" text NOT NULL,
	"nivel" smallint NOT NULL,
	"capitulo" text,
	"grupo" text,
	"activo" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "medications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"dci" text NOT NULL,
	"concentracion" text DEFAULT '' NOT NULL,
	"forma_farmaceutica" text DEFAULT '' NOT NULL,
	"via" text,
	"codigo_atc" text,
	"grupo_terapeutico" text,
	"codigo_digemid" text,
	"registro_sanitario" text,
	"nombre_comercial" text,
	"presentacion" text,
	"titular" text,
	"fabricante" text,
	"petitorio" boolean DEFAULT false NOT NULL,
	"controlado" boolean DEFAULT false NOT NULL,
	"activo" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notifiable_diseases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"codigo" text NOT NULL,
	"nombre" text NOT NULL,
	"cie_codigos" text[] DEFAULT '{}'::text[] NOT NULL,
	"periodicidad" text NOT NULL,
	"fuente" text,
	"verificado" boolean DEFAULT false NOT NULL,
	"activo" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "procedures" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"codigo" text,
	"nombre" text NOT NULL,
	"tipo" text NOT NULL,
	"especialidad" text,
	"activo" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "templates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tipo" text NOT NULL,
	"nombre" text NOT NULL,
	"contenido" text NOT NULL,
	"activo" boolean DEFAULT true NOT NULL,
	"created_by" uuid,
	"updated_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "allergen_groups_codigo_key" ON "allergen_groups" USING btree ("codigo");--> statement-breakpoint
CREATE UNIQUE INDEX "diagnoses_sistema_codigo_key" ON "diagnoses" USING btree ("sistema","codigo");--> statement-breakpoint
CREATE UNIQUE INDEX "medications_codigo_digemid_key" ON "medications" USING btree ("codigo_digemid") WHERE "medications"."codigo_digemid" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "medications_codigo_atc_idx" ON "medications" USING btree ("codigo_atc");--> statement-breakpoint
CREATE UNIQUE INDEX "notifiable_diseases_codigo_key" ON "notifiable_diseases" USING btree ("codigo");--> statement-breakpoint
CREATE UNIQUE INDEX "procedures_codigo_key" ON "procedures" USING btree ("codigo") WHERE "procedures"."codigo" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "procedures_tipo_idx" ON "procedures" USING btree ("tipo");--> statement-breakpoint
CREATE INDEX "templates_tipo_idx" ON "templates" USING btree ("tipo","activo");