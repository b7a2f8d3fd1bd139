export * from './ledger';
export * from './customers';
export * from './subscriptions';
export * from './invoices';
export * from './payments';
export * from './checkout';
export * from './notifications';
export * from './operations';
