CREATE TABLE "subscriber_pauses" (
	"subscriber" text PRIMARY KEY NOT NULL,
	"reason" text NOT NULL,
	"paused_by" text,
	"paused_at" timestamp with time zone DEFAULT now() NOT NULL
);
