import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';

import { ProblemException } from '../problem/problem.exception';
import { ProblemTypes } from '../problem/problem-types';
import { CommaSeparated, ToLowerCase } from './transformers';

/**
 * A tag of an alert or a threat case: a letter or digit, then up to 63 letters, digits and `. _ : / @ + -`
 * (ASCII). Tags are case-insensitive: they are stored and matched in lower case. No spaces or commas, so a
 * tag is one value of a comma-separated filter (`tag=phishing,team:soc`) and one cell word in an export.
 */
export const TAG = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,63}$/;
export const TAG_MAX_LENGTH = 64;
/** Most tags one alert or case holds, and one request or filter names. */
export const MAX_TAGS = 50;
export const TAG_MESSAGE = 'each tag must be 1 to 64 characters: a letter or digit, then letters, digits and . _ : / @ + - (no spaces or commas)';

const EACH = { each: true } as const;
const TAG_ITEMS = { type: 'string', maxLength: TAG_MAX_LENGTH, pattern: TAG.source } as const;

/** The `tags` of an answer (an alert, a threat case). */
export function TagsProperty(description: string): PropertyDecorator {
  return ApiProperty({
    type: 'array',
    items: { type: 'string', maxLength: TAG_MAX_LENGTH },
    maxItems: MAX_TAGS,
    description,
    example: ['phishing', 'team:soc'],
  });
}

/** Tags once each, lower case, in byte order: how they are stored. */
export function normaliseTags(tags: Iterable<string>): string[] {
  return [...new Set([...tags].map((tag) => tag.toLowerCase()))].sort();
}

/** The validators of a body's list of tags (each a TAG, at most MAX_TAGS), lower-cased first. */
function TagItems(): PropertyDecorator {
  return applyDecorators(
    IsArray(),
    ToLowerCase(),
    IsString(EACH),
    MaxLength(TAG_MAX_LENGTH, EACH),
    Matches(TAG, { each: true, message: TAG_MESSAGE }),
    ArrayMaxSize(MAX_TAGS),
  );
}

/** An optional body field holding tags (`tags` of a create). */
export function OptionalTags(description: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: 'array', items: TAG_ITEMS, maxItems: MAX_TAGS, description, example: ['phishing', 'team:soc'] }),
    IsOptional(),
    TagItems(),
  );
}

/**
 * A tag filter of a list query (also inside bulk and export filters): `a,b` or the parameter repeated,
 * lower-cased, at most MAX_TAGS values.
 */
export function TagFilter(description: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: 'array', items: TAG_ITEMS, maxItems: MAX_TAGS, description, example: ['phishing'] }),
    IsOptional(),
    CommaSeparated(),
    ToLowerCase(),
    IsString(EACH),
    MaxLength(TAG_MAX_LENGTH, EACH),
    Matches(TAG, { each: true, message: TAG_MESSAGE }),
    ArrayMaxSize(MAX_TAGS),
  );
}

/** PUT …/tags: the resource's tags from now on. */
export class SetTagsDto {
  @ApiProperty({
    type: 'array',
    items: TAG_ITEMS,
    maxItems: MAX_TAGS,
    description: 'The tags (case-insensitive, stored in lower case); [] clears them',
    example: ['phishing', 'team:soc'],
  })
  @TagItems()
  tags: string[];

  /** Why; kept in the timeline. */
  @IsOptional()
  @IsString()
  @MaxLength(5_000)
  note?: string;
}

/** PATCH …/tags: tags to add and to remove (at least one of the two); removing wins over adding the same tag. */
export class PatchTagsDto {
  @ApiPropertyOptional({
    type: 'array',
    items: TAG_ITEMS,
    maxItems: MAX_TAGS,
    description: 'Tags to add (those already held stay once)',
    example: ['phishing'],
  })
  @ValidateIf((body: PatchTagsDto) => body.add !== undefined || body.remove === undefined)
  @TagItems()
  add?: string[];

  @ApiPropertyOptional({
    type: 'array',
    items: TAG_ITEMS,
    maxItems: MAX_TAGS,
    description: 'Tags to remove (those not held are ignored)',
    example: ['false-positive'],
  })
  @IsOptional()
  @TagItems()
  remove?: string[];

  /** Why; kept in the timeline. */
  @IsOptional()
  @IsString()
  @MaxLength(5_000)
  note?: string;
}

/** The tags a PATCH leaves: held plus added, minus removed (removing wins), normalised. */
export function patchedTags(held: readonly string[], dto: PatchTagsDto): string[] {
  const removed = new Set((dto.remove ?? []).map((tag) => tag.toLowerCase()));
  return normaliseTags([...held, ...(dto.add ?? [])]).filter((tag) => !removed.has(tag));
}

/** What changed between two normalised tag lists, for the timeline and the audit trail. */
export function tagChange(from: readonly string[], to: readonly string[]): { from: string[]; to: string[]; added: string[]; removed: string[] } {
  return { from: [...from], to: [...to], added: to.filter((tag) => !from.includes(tag)), removed: from.filter((tag) => !to.includes(tag)) };
}

/**
 * 400 when a change would leave a resource with more than MAX_TAGS tags (a PATCH adding to those held):
 * a `range` violation of `add`, nothing changed.
 */
export function assertTagLimit(tags: readonly string[], pointer = '/body/add'): void {
  if (tags.length <= MAX_TAGS) return;
  throw new ProblemException(ProblemTypes.validationError, {
    errors: [
      {
        field: pointer.split('/').pop() as string,
        pointer,
        code: 'range',
        description: `the change would leave ${tags.length} tags; one resource holds at most ${MAX_TAGS}`,
      },
    ],
  });
}
