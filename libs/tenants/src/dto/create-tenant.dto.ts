import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';

export class CreateTenantDto {
  /** Display name. @example "Acme Security Operations" */
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  /** URL-safe unique handle: lower-case letters, digits and dashes. @example "acme-secops" */
  @IsString()
  @Matches(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, { message: 'slug must be lower-case letters, digits and inner dashes (1 to 64)' })
  slug: string;
}
