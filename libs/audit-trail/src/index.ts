export * from './audit-chain';
export * from './audit-hash';
export * from './audit-trail.module';
export * from './audit-trail.service';
export * from './audit-trail.writer';
export * from './dto/audit-event.dto';
export * from './dto/list-audit-trail-query.dto';
export * from './dto/verify-audit-trail-query.dto';
