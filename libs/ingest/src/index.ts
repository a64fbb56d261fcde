export * from './alertmanager-alert';
export * from './alertmanager-ingest.service';
export * from './dto/alertmanager-webhook.dto';
export * from './ingest.module';
export * from './severity-mapping';
