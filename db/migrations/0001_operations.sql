CREATE TABLE "handler_pauses" (
	"handler" text PRIMARY KEY NOT NULL,
	"reason" text NOT NULL,
	"paused_by" text,
	"paused_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reconcile_cursors" (
	"name" text PRIMARY KEY NOT NULL,
	"created" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "stripe_events" ADD COLUMN "refetched" boolean DEFAULT false NOT NULL;