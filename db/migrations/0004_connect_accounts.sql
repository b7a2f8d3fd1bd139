ALTER TABLE "entitlements" DROP CONSTRAINT "entitlements_subscription_id_subscriptions_id_fk";
--> statement-breakpoint
ALTER TABLE "subscription_items" DROP CONSTRAINT "subscription_items_subscription_id_subscriptions_id_fk";
--> statement-breakpoint
ALTER TABLE "active_entitlements" DROP CONSTRAINT "active_entitlements_customer_id_entitlement_summaries_customer_id_fk";
--> statement-breakpoint
ALTER TABLE "entitlements" DROP CONSTRAINT "entitlements_subscription_id_product_id_pk";--> statement-breakpoint
-- drizzle-kit cannot name a column primary key: Postgres named it "customers_pkey".
ALTER TABLE "customers" DROP CONSTRAINT "customers_pkey";--> statement-breakpoint
-- drizzle-kit cannot name a column primary key: Postgres named it "subscription_items_pkey".
ALTER TABLE "subscription_items" DROP CONSTRAINT "subscription_items_pkey";--> statement-breakpoint
-- drizzle-kit cannot name a column primary key: Postgres named it "subscriptions_pkey".
ALTER TABLE "subscriptions" DROP CONSTRAINT "subscriptions_pkey";--> statement-breakpoint
-- drizzle-kit cannot name a column primary key: Postgres named it "invoices_pkey".
ALTER TABLE "invoices" DROP CONSTRAINT "invoices_pkey";--> statement-breakpoint
-- drizzle-kit cannot name a column primary key: Postgres named it "charges_pkey".
ALTER TABLE "charges" DROP CONSTRAINT "charges_pkey";--> statement-breakpoint
-- drizzle-kit cannot name a column primary key: Postgres named it "disputes_pkey".
ALTER TABLE "disputes" DROP CONSTRAINT "disputes_pkey";--> statement-breakpoint
-- drizzle-kit cannot name a column primary key: Postgres named it "payment_intents_pkey".
ALTER TABLE "payment_intents" DROP CONSTRAINT "payment_intents_pkey";--> statement-breakpoint
-- drizzle-kit cannot name a column primary key: Postgres named it "refunds_pkey".
ALTER TABLE "refunds" DROP CONSTRAINT "refunds_pkey";--> statement-breakpoint
-- drizzle-kit cannot name a column primary key: Postgres named it "checkout_sessions_pkey".
ALTER TABLE "checkout_sessions" DROP CONSTRAINT "checkout_sessions_pkey";--> statement-breakpoint
-- drizzle-kit cannot name a column primary key: Postgres named it "plans_pkey".
ALTER TABLE "plans" DROP CONSTRAINT "plans_pkey";--> statement-breakpoint
-- drizzle-kit cannot name a column primary key: Postgres named it "prices_pkey".
ALTER TABLE "prices" DROP CONSTRAINT "prices_pkey";--> statement-breakpoint
-- drizzle-kit cannot name a column primary key: Postgres named it "products_pkey".
ALTER TABLE "products" DROP CONSTRAINT "products_pkey";--> statement-breakpoint
-- drizzle-kit cannot name a column primary key: Postgres named it "coupons_pkey".
ALTER TABLE "coupons" DROP CONSTRAINT "coupons_pkey";--> statement-breakpoint
-- drizzle-kit cannot name a column primary key: Postgres named it "discounts_pkey".
ALTER TABLE "discounts" DROP CONSTRAINT "discounts_pkey";--> statement-breakpoint
-- drizzle-kit cannot name a column primary key: Postgres named it "promotion_codes_pkey".
ALTER TABLE "promotion_codes" DROP CONSTRAINT "promotion_codes_pkey";--> statement-breakpoint
-- drizzle-kit cannot name a column primary key: Postgres named it "payment_methods_pkey".
ALTER TABLE "payment_methods" DROP CONSTRAINT "payment_methods_pkey";--> statement-breakpoint
-- drizzle-kit cannot name a column primary key: Postgres named it "setup_intents_pkey".
ALTER TABLE "setup_intents" DROP CONSTRAINT "setup_intents_pkey";--> statement-breakpoint
-- drizzle-kit cannot name a column primary key: Postgres named it "subscription_schedules_pkey".
ALTER TABLE "subscription_schedules" DROP CONSTRAINT "subscription_schedules_pkey";--> statement-breakpoint
-- drizzle-kit cannot name a column primary key: Postgres named it "credit_notes_pkey".
ALTER TABLE "credit_notes" DROP CONSTRAINT "credit_notes_pkey";--> statement-breakpoint
-- drizzle-kit cannot name a column primary key: Postgres named it "invoice_payments_pkey".
ALTER TABLE "invoice_payments" DROP CONSTRAINT "invoice_payments_pkey";--> statement-breakpoint
-- drizzle-kit cannot name a column primary key: Postgres named it "tax_ids_pkey".
ALTER TABLE "tax_ids" DROP CONSTRAINT "tax_ids_pkey";--> statement-breakpoint
-- drizzle-kit cannot name a column primary key: Postgres named it "active_entitlements_pkey".
ALTER TABLE "active_entitlements" DROP CONSTRAINT "active_entitlements_pkey";--> statement-breakpoint
-- drizzle-kit cannot name a column primary key: Postgres named it "entitlement_features_pkey".
ALTER TABLE "entitlement_features" DROP CONSTRAINT "entitlement_features_pkey";--> statement-breakpoint
-- drizzle-kit cannot name a column primary key: Postgres named it "entitlement_summaries_pkey".
ALTER TABLE "entitlement_summaries" DROP CONSTRAINT "entitlement_summaries_pkey";--> statement-breakpoint
-- drizzle-kit cannot name a column primary key: Postgres named it "early_fraud_warnings_pkey".
ALTER TABLE "early_fraud_warnings" DROP CONSTRAINT "early_fraud_warnings_pkey";--> statement-breakpoint
-- drizzle-kit cannot name a column primary key: Postgres named it "reviews_pkey".
ALTER TABLE "reviews" DROP CONSTRAINT "reviews_pkey";--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "account" text;--> statement-breakpoint
ALTER TABLE "entitlements" ADD COLUMN "account" text;--> statement-breakpoint
ALTER TABLE "subscription_items" ADD COLUMN "account" text;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "account" text;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "account" text;--> statement-breakpoint
ALTER TABLE "charges" ADD COLUMN "account" text;--> statement-breakpoint
ALTER TABLE "disputes" ADD COLUMN "account" text;--> statement-breakpoint
ALTER TABLE "payment_intents" ADD COLUMN "account" text;--> statement-breakpoint
ALTER TABLE "refunds" ADD COLUMN "account" text;--> statement-breakpoint
ALTER TABLE "checkout_sessions" ADD COLUMN "account" text;--> statement-breakpoint
ALTER TABLE "plans" ADD COLUMN "account" text;--> statement-breakpoint
ALTER TABLE "prices" ADD COLUMN "account" text;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "account" text;--> statement-breakpoint
ALTER TABLE "coupons" ADD COLUMN "account" text;--> statement-breakpoint
ALTER TABLE "discounts" ADD COLUMN "account" text;--> statement-breakpoint
ALTER TABLE "promotion_codes" ADD COLUMN "account" text;--> statement-breakpoint
ALTER TABLE "payment_methods" ADD COLUMN "account" text;--> statement-breakpoint
ALTER TABLE "setup_intents" ADD COLUMN "account" text;--> statement-breakpoint
ALTER TABLE "subscription_schedules" ADD COLUMN "account" text;--> statement-breakpoint
ALTER TABLE "credit_notes" ADD COLUMN "account" text;--> statement-breakpoint
ALTER TABLE "invoice_payments" ADD COLUMN "account" text;--> statement-breakpoint
ALTER TABLE "tax_ids" ADD COLUMN "account" text;--> statement-breakpoint
ALTER TABLE "active_entitlements" ADD COLUMN "account" text;--> statement-breakpoint
ALTER TABLE "entitlement_features" ADD COLUMN "account" text;--> statement-breakpoint
ALTER TABLE "entitlement_summaries" ADD COLUMN "account" text;--> statement-breakpoint
ALTER TABLE "early_fraud_warnings" ADD COLUMN "account" text;--> statement-breakpoint
ALTER TABLE "reviews" ADD COLUMN "account" text;--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_account_id_key" UNIQUE NULLS NOT DISTINCT("account","id");--> statement-breakpoint
ALTER TABLE "entitlements" ADD CONSTRAINT "entitlements_account_subscription_product_key" UNIQUE NULLS NOT DISTINCT("account","subscription_id","product_id");--> statement-breakpoint
ALTER TABLE "subscription_items" ADD CONSTRAINT "subscription_items_account_id_key" UNIQUE NULLS NOT DISTINCT("account","id");--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_account_id_key" UNIQUE NULLS NOT DISTINCT("account","id");--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_account_id_key" UNIQUE NULLS NOT DISTINCT("account","id");--> statement-breakpoint
ALTER TABLE "charges" ADD CONSTRAINT "charges_account_id_key" UNIQUE NULLS NOT DISTINCT("account","id");--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_account_id_key" UNIQUE NULLS NOT DISTINCT("account","id");--> statement-breakpoint
ALTER TABLE "payment_intents" ADD CONSTRAINT "payment_intents_account_id_key" UNIQUE NULLS NOT DISTINCT("account","id");--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_account_id_key" UNIQUE NULLS NOT DISTINCT("account","id");--> statement-breakpoint
ALTER TABLE "checkout_sessions" ADD CONSTRAINT "checkout_sessions_account_id_key" UNIQUE NULLS NOT DISTINCT("account","id");--> statement-breakpoint
ALTER TABLE "plans" ADD CONSTRAINT "plans_account_id_key" UNIQUE NULLS NOT DISTINCT("account","id");--> statement-breakpoint
ALTER TABLE "prices" ADD CONSTRAINT "prices_account_id_key" UNIQUE NULLS NOT DISTINCT("account","id");--> statement-breakpoint
ALTER TABLE "products" ADD CONSTRAINT "products_account_id_key" UNIQUE NULLS NOT DISTINCT("account","id");--> statement-breakpoint
ALTER TABLE "coupons" ADD CONSTRAINT "coupons_account_id_key" UNIQUE NULLS NOT DISTINCT("account","id");--> statement-breakpoint
ALTER TABLE "discounts" ADD CONSTRAINT "discounts_account_id_key" UNIQUE NULLS NOT DISTINCT("account","id");--> statement-breakpoint
ALTER TABLE "promotion_codes" ADD CONSTRAINT "promotion_codes_account_id_key" UNIQUE NULLS NOT DISTINCT("account","id");--> statement-breakpoint
ALTER TABLE "payment_methods" ADD CONSTRAINT "payment_methods_account_id_key" UNIQUE NULLS NOT DISTINCT("account","id");--> statement-breakpoint
ALTER TABLE "setup_intents" ADD CONSTRAINT "setup_intents_account_id_key" UNIQUE NULLS NOT DISTINCT("account","id");--> statement-breakpoint
ALTER TABLE "subscription_schedules" ADD CONSTRAINT "subscription_schedules_account_id_key" UNIQUE NULLS NOT DISTINCT("account","id");--> statement-breakpoint
ALTER TABLE "credit_notes" ADD CONSTRAINT "credit_notes_account_id_key" UNIQUE NULLS NOT DISTINCT("account","id");--> statement-breakpoint
ALTER TABLE "invoice_payments" ADD CONSTRAINT "invoice_payments_account_id_key" UNIQUE NULLS NOT DISTINCT("account","id");--> statement-breakpoint
ALTER TABLE "tax_ids" ADD CONSTRAINT "tax_ids_account_id_key" UNIQUE NULLS NOT DISTINCT("account","id");--> statement-breakpoint
ALTER TABLE "active_entitlements" ADD CONSTRAINT "active_entitlements_account_id_key" UNIQUE NULLS NOT DISTINCT("account","id");--> statement-breakpoint
ALTER TABLE "entitlement_features" ADD CONSTRAINT "entitlement_features_account_id_key" UNIQUE NULLS NOT DISTINCT("account","id");--> statement-breakpoint
ALTER TABLE "entitlement_summaries" ADD CONSTRAINT "entitlement_summaries_account_id_key" UNIQUE NULLS NOT DISTINCT("account","customer_id");--> statement-breakpoint
ALTER TABLE "early_fraud_warnings" ADD CONSTRAINT "early_fraud_warnings_account_id_key" UNIQUE NULLS NOT DISTINCT("account","id");--> statement-breakpoint
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_account_id_key" UNIQUE NULLS NOT DISTINCT("account","id");--> statement-breakpoint
-- Moved last by hand: a foreign key needs the unique (account, id) it references to exist.
ALTER TABLE "entitlements" ADD CONSTRAINT "entitlements_subscription_fk" FOREIGN KEY ("account","subscription_id") REFERENCES "public"."subscriptions"("account","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_items" ADD CONSTRAINT "subscription_items_subscription_fk" FOREIGN KEY ("account","subscription_id") REFERENCES "public"."subscriptions"("account","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "active_entitlements" ADD CONSTRAINT "active_entitlements_summary_fk" FOREIGN KEY ("account","customer_id") REFERENCES "public"."entitlement_summaries"("account","customer_id") ON DELETE cascade ON UPDATE no action;
