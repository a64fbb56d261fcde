import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import { ApiOkResponse, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { I18nService } from 'nestjs-i18n';

import { negotiateLanguage, Operation, ProblemException, ProblemTypes, Public } from '@app/common';

import { PROBLEM_SLUGS, problemTypeBySlug } from './problem-catalogue';
import { renderProblemPage } from './problem-page';

@ApiTags('operations')
@Public()
@Controller('problems')
export class ProblemsController {
  constructor(private readonly i18n: I18nService) {}

  /** The documentation page a problem's `type` URI dereferences to (HTML; JSON with Accept: application/json). */
  @Get(':slug')
  @ApiParam({
    name: 'slug',
    description: 'A problem type of the catalogue (docs/ERRORS.md); any other answers 404',
    schema: { type: 'string', enum: PROBLEM_SLUGS },
  })
  @ApiProduces('text/html', 'application/json')
  @ApiOkResponse({ description: 'The problem type: title, status, code and what to do' })
  @Operation({ id: 'getProblemType', summary: 'Documentation of a problem type', problems: [404] })
  async describe(
    @Param('slug') slug: string,
    @Headers('accept') accept: string | undefined,
    @Headers('accept-language') language: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const type = problemTypeBySlug(slug);
    if (!type) throw new ProblemException(ProblemTypes.resourceNotFound, { args: { resource: 'problem type', id: slug } });
    const lang = negotiateLanguage(language);
    const title = this.i18n.translate(`problems.${slug}.title`, { lang });
    const doc = { type: `/problems/${slug}`, title, status: type.status, code: type.code, description: type.description };
    reply.header('Content-Language', lang);
    if (accept?.includes('application/json') && !accept.includes('text/html')) {
      await reply.type('application/json').send(doc);
      return;
    }
    await reply.type('text/html; charset=utf-8').send(renderProblemPage(doc, lang));
  }
}
