export * from './alertmanager-alert';
export * from './alertmanager-ingest.service';
export * from './alertmanager-intake';
export * from './alertmanager-webhook.service';
export * from './dto/alertmanager-webhook.dto';
export * from './ingest-metrics';
export * from './ingest.module';
export * from './severity-mapping';
