import { ArgumentMetadata, Injectable, ValidationPipe } from '@nestjs/common';
import { ValidationError } from 'class-validator';

import { ProblemException } from '../problem/problem.exception';
import { ProblemTypes } from '../problem/problem-types';
import { toFieldViolations } from './field-violations';

const LOCATION: Record<string, string> = { body: 'body', query: 'query', param: 'path', custom: 'request' };

/**
 * The one ValidationPipe of the API: unknown fields are refused, values are transformed to their DTO
 * types, and failures become a validation-error problem whose pointers name the request part.
 */
@Injectable()
export class AppValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
      // The target lets a violation state its limits (toFieldViolations reads them from the class's metadata).
      validationError: { target: true, value: true },
      exceptionFactory: (errors: ValidationError[]) => new ProblemException(ProblemTypes.validationError, { errors: toFieldViolations(errors) }),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      if (error instanceof ProblemException && error.options.errors) {
        const location = LOCATION[metadata.type] ?? 'request';
        for (const violation of error.options.errors) violation.pointer = `/${location}${violation.pointer}`;
      }
      throw error;
    }
  }
}
