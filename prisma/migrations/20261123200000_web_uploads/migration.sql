-- Evidence photos uploaded through the web chat. Kept in PostgreSQL (not on a local disk) so that every
-- app process can read them; assessments refer to one as "web-upload:<id>". Served to officers only.

CREATE TABLE "web_uploads" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "web_account" TEXT NOT NULL,
    "client_event_id" TEXT NOT NULL,
    "content_type" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "data" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "web_uploads_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "web_uploads_content_type" CHECK ("content_type" IN ('image/jpeg', 'image/png', 'image/webp'))
);
CREATE UNIQUE INDEX "web_uploads_web_account_client_event_id_key" ON "web_uploads"("web_account", "client_event_id");
CREATE INDEX "web_uploads_created_at_idx" ON "web_uploads"("created_at");
