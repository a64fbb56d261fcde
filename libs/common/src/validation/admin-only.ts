import { registerDecorator, ValidationOptions } from 'class-validator';

import { RequestContextStore } from '../trace/request-context';

/**
 * A field only an admin principal may give (`tenant_id` on lists and filters): from anyone else it is a
 * violation (code `unknown`), never silently dropped, so a filter cannot quietly widen to the caller's
 * whole tenant. Read from the request's principal; with no principal (no request) it is refused too.
 */
export function AdminOnly(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'adminOnly',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} is only taken from admin principals: a tenant principal always works in its own tenant`, ...options },
      validator: { validate: () => RequestContextStore.current()?.principal?.isAdmin === true },
    });
}
