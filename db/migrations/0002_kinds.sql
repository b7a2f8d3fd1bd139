CREATE TABLE "plans" (
	"id" text PRIMARY KEY NOT NULL,
	"product_id" text,
	"active" boolean,
	"currency" text,
	"amount" bigint,
	"interval" text,
	"interval_count" integer,
	"nickname" text,
	"livemode" boolean NOT NULL,
	"metadata" jsonb,
	"deleted" boolean DEFAULT false NOT NULL,
	"source_event_id" text NOT NULL,
	"source_event_created" bigint NOT NULL,
	"source_event_rank" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "prices" (
	"id" text PRIMARY KEY NOT NULL,
	"product_id" text,
	"active" boolean,
	"currency" text,
	"unit_amount" bigint,
	"type" text,
	"recurring_interval" text,
	"recurring_interval_count" integer,
	"lookup_key" text,
	"nickname" text,
	"livemode" boolean NOT NULL,
	"metadata" jsonb,
	"deleted" boolean DEFAULT false NOT NULL,
	"source_event_id" text NOT NULL,
	"source_event_created" bigint NOT NULL,
	"source_event_rank" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "products" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text,
	"description" text,
	"active" boolean,
	"default_price_id" text,
	"livemode" boolean NOT NULL,
	"metadata" jsonb,
	"deleted" boolean DEFAULT false NOT NULL,
	"source_event_id" text NOT NULL,
	"source_event_created" bigint NOT NULL,
	"source_event_rank" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "coupons" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text,
	"percent_off" double precision,
	"amount_off" bigint,
	"currency" text,
	"duration" text,
	"duration_in_months" integer,
	"max_redemptions" integer,
	"times_redeemed" integer,
	"redeem_by" timestamp with time zone,
	"valid" boolean,
	"livemode" boolean NOT NULL,
	"metadata" jsonb,
	"deleted" boolean DEFAULT false NOT NULL,
	"source_event_id" text NOT NULL,
	"source_event_created" bigint NOT NULL,
	"source_event_rank" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "discounts" (
	"id" text PRIMARY KEY NOT NULL,
	"customer_id" text,
	"subscription_id" text,
	"invoice_id" text,
	"coupon_id" text,
	"promotion_code_id" text,
	"start" timestamp with time zone,
	"end" timestamp with time zone,
	"livemode" boolean NOT NULL,
	"deleted" boolean DEFAULT false NOT NULL,
	"source_event_id" text NOT NULL,
	"source_event_created" bigint NOT NULL,
	"source_event_rank" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "promotion_codes" (
	"id" text PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"coupon_id" text,
	"customer_id" text,
	"active" boolean NOT NULL,
	"expires_at" timestamp with time zone,
	"max_redemptions" integer,
	"times_redeemed" integer,
	"livemode" boolean NOT NULL,
	"metadata" jsonb,
	"source_event_id" text NOT NULL,
	"source_event_created" bigint NOT NULL,
	"source_event_rank" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payment_methods" (
	"id" text PRIMARY KEY NOT NULL,
	"customer_id" text,
	"type" text NOT NULL,
	"status" text NOT NULL,
	"card_brand" text,
	"card_last4" text,
	"card_exp_month" integer,
	"card_exp_year" integer,
	"livemode" boolean NOT NULL,
	"source_event_id" text NOT NULL,
	"source_event_created" bigint NOT NULL,
	"source_event_rank" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "setup_intents" (
	"id" text PRIMARY KEY NOT NULL,
	"customer_id" text,
	"payment_method_id" text,
	"status" text NOT NULL,
	"usage" text,
	"last_setup_error_code" text,
	"cancellation_reason" text,
	"livemode" boolean NOT NULL,
	"source_event_id" text NOT NULL,
	"source_event_created" bigint NOT NULL,
	"source_event_rank" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subscription_schedules" (
	"id" text PRIMARY KEY NOT NULL,
	"customer_id" text NOT NULL,
	"subscription_id" text,
	"status" text NOT NULL,
	"end_behavior" text,
	"current_phase_start" timestamp with time zone,
	"current_phase_end" timestamp with time zone,
	"released_subscription_id" text,
	"canceled_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"released_at" timestamp with time zone,
	"livemode" boolean NOT NULL,
	"metadata" jsonb,
	"source_event_id" text NOT NULL,
	"source_event_created" bigint NOT NULL,
	"source_event_rank" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "credit_notes" (
	"id" text PRIMARY KEY NOT NULL,
	"invoice_id" text NOT NULL,
	"customer_id" text,
	"number" text,
	"status" text NOT NULL,
	"type" text,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"reason" text,
	"voided_at" timestamp with time zone,
	"livemode" boolean NOT NULL,
	"source_event_id" text NOT NULL,
	"source_event_created" bigint NOT NULL,
	"source_event_rank" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "invoice_payments" (
	"id" text PRIMARY KEY NOT NULL,
	"invoice_id" text NOT NULL,
	"status" text NOT NULL,
	"amount_paid" bigint,
	"amount_requested" bigint,
	"currency" text NOT NULL,
	"payment_type" text,
	"payment_intent_id" text,
	"charge_id" text,
	"is_default" boolean,
	"paid_at" timestamp with time zone,
	"canceled_at" timestamp with time zone,
	"livemode" boolean NOT NULL,
	"source_event_id" text NOT NULL,
	"source_event_created" bigint NOT NULL,
	"source_event_rank" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tax_ids" (
	"id" text PRIMARY KEY NOT NULL,
	"customer_id" text,
	"type" text,
	"country" text,
	"verification_status" text,
	"livemode" boolean NOT NULL,
	"deleted" boolean DEFAULT false NOT NULL,
	"source_event_id" text NOT NULL,
	"source_event_created" bigint NOT NULL,
	"source_event_rank" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "active_entitlements" (
	"id" text PRIMARY KEY NOT NULL,
	"customer_id" text NOT NULL,
	"feature_id" text NOT NULL,
	"lookup_key" text NOT NULL,
	"livemode" boolean NOT NULL
);
--> statement-breakpoint
CREATE TABLE "entitlement_features" (
	"id" text PRIMARY KEY NOT NULL,
	"lookup_key" text NOT NULL,
	"name" text,
	"active" boolean,
	"livemode" boolean NOT NULL,
	"metadata" jsonb,
	"source_event_id" text NOT NULL,
	"source_event_created" bigint NOT NULL,
	"source_event_rank" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "entitlement_summaries" (
	"customer_id" text PRIMARY KEY NOT NULL,
	"livemode" boolean NOT NULL,
	"source_event_id" text NOT NULL,
	"source_event_created" bigint NOT NULL,
	"source_event_rank" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "early_fraud_warnings" (
	"id" text PRIMARY KEY NOT NULL,
	"charge_id" text,
	"payment_intent_id" text,
	"fraud_type" text,
	"actionable" boolean NOT NULL,
	"livemode" boolean NOT NULL,
	"source_event_id" text NOT NULL,
	"source_event_created" bigint NOT NULL,
	"source_event_rank" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reviews" (
	"id" text PRIMARY KEY NOT NULL,
	"charge_id" text,
	"payment_intent_id" text,
	"status" text NOT NULL,
	"reason" text,
	"opened_reason" text,
	"closed_reason" text,
	"livemode" boolean NOT NULL,
	"source_event_id" text NOT NULL,
	"source_event_created" bigint NOT NULL,
	"source_event_rank" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "default_payment_method_id" text;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "discount_ids" jsonb;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "discount_ids" jsonb;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "total_discount_amount" bigint;--> statement-breakpoint
ALTER TABLE "active_entitlements" ADD CONSTRAINT "active_entitlements_customer_id_entitlement_summaries_customer_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."entitlement_summaries"("customer_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "plans_product_idx" ON "plans" USING btree ("product_id");--> statement-breakpoint
CREATE INDEX "prices_product_idx" ON "prices" USING btree ("product_id");--> statement-breakpoint
CREATE INDEX "prices_lookup_key_idx" ON "prices" USING btree ("lookup_key");--> statement-breakpoint
CREATE INDEX "discounts_customer_idx" ON "discounts" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "discounts_subscription_idx" ON "discounts" USING btree ("subscription_id");--> statement-breakpoint
CREATE INDEX "promotion_codes_code_idx" ON "promotion_codes" USING btree ("code");--> statement-breakpoint
CREATE INDEX "payment_methods_customer_idx" ON "payment_methods" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "setup_intents_customer_idx" ON "setup_intents" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "subscription_schedules_customer_idx" ON "subscription_schedules" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "subscription_schedules_subscription_idx" ON "subscription_schedules" USING btree ("subscription_id");--> statement-breakpoint
CREATE INDEX "credit_notes_invoice_idx" ON "credit_notes" USING btree ("invoice_id");--> statement-breakpoint
CREATE INDEX "credit_notes_customer_idx" ON "credit_notes" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "invoice_payments_invoice_idx" ON "invoice_payments" USING btree ("invoice_id");--> statement-breakpoint
CREATE INDEX "tax_ids_customer_idx" ON "tax_ids" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "active_entitlements_customer_lookup_idx" ON "active_entitlements" USING btree ("customer_id","lookup_key");--> statement-breakpoint
CREATE INDEX "early_fraud_warnings_charge_idx" ON "early_fraud_warnings" USING btree ("charge_id");--> statement-breakpoint
CREATE INDEX "reviews_charge_idx" ON "reviews" USING btree ("charge_id");