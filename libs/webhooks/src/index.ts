export * from './dto/webhook-delivery.dto';
export * from './dto/webhook-subscription.dto';
export * from './webhook-deliveries.service';
export * from './webhook-queue';
export * from './webhook-signing';
export * from './webhook-subscriptions.service';
export * from './webhook-targets';
export * from './webhooks.module';
