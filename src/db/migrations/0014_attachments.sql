CREATE TABLE "attachments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"attention_id" uuid NOT NULL,
	"file_name" text NOT NULL,
	"file_type" text NOT NULL,
	"description" text,
	"size" bigint NOT NULL,
	"sha256" text NOT NULL,
	"url_path" text NOT NULL,
	"storage_driver" text NOT NULL,
	"storage_key" text NOT NULL,
	"enc_key_id" text NOT NULL,
	"enc_data_key" text NOT NULL,
	"uploaded_by" uuid NOT NULL,
	"uploaded_at" timestamp with time zone NOT NULL,
	"addendum_seq" integer,
	"prev_hash" text,
	"hash" text,
	"deleted_at" timestamp with time zone,
	"deleted_by" uuid,
	"motivo_eliminacion" text
);
--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_attention_id_medical_attentions_id_fk" FOREIGN KEY ("attention_id") REFERENCES "public"."medical_attentions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "attachments_attention_idx" ON "attachments" USING btree ("attention_id","uploaded_at");--> statement-breakpoint
CREATE UNIQUE INDEX "attachments_storage_key" ON "attachments" USING btree ("storage_driver","storage_key");