export * from './dto/create-tenant.dto';
export * from './dto/list-tenants-query.dto';
export * from './dto/me.dto';
export * from './dto/tenant.dto';
export * from './tenants.module';
export * from './tenants.service';
