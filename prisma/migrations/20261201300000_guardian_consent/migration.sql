-- Citizens under 16 confirm that a parent or guardian agreed to the processing of their data
-- (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15); when they did is kept with the person.
ALTER TABLE "people" ADD COLUMN "guardian_consent_at" TIMESTAMPTZ(3);
