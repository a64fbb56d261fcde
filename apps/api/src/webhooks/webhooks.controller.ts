import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

import { Authenticated, CurrentPrincipal } from '@app/auth';
import { ApiEnvelope, ApiListEnvelope, Conditional, Envelope, envelope, listEnvelope, ListEnvelope, Operation, Principal } from '@app/common';
import {
  CreateWebhookDto,
  ListWebhookDeliveriesQueryDto,
  ListWebhookDeliveryAttemptsQueryDto,
  ListWebhooksQueryDto,
  UpdateWebhookDto,
  WebhookDeliveriesService,
  WebhookDeliveryAttemptDto,
  WebhookDeliveryDto,
  WebhookDto,
  WebhookSubscriptionsService,
  WebhookWithSecretDto,
} from '@app/webhooks';

import { WebhookDeliveryParams, WebhookIdParams } from './webhook-params.dto';

@ApiTags('webhooks')
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(
    private readonly subscriptions: WebhookSubscriptionsService,
    private readonly deliveries: WebhookDeliveriesService,
  ) {}

  @Get()
  @Authenticated({ scopes: ['webhooks:read'] })
  @ApiListEnvelope(WebhookDto)
  @Operation({ id: 'listWebhooks', summary: 'The tenant’s webhook subscriptions, newest first by default (secrets are never listed)', problems: [400] })
  async list(@Query() query: ListWebhooksQueryDto, @CurrentPrincipal() principal: Principal): Promise<ListEnvelope<WebhookDto>> {
    return listEnvelope(await this.subscriptions.list(query, principal), WebhookDto.from);
  }

  @Post()
  @HttpCode(201)
  @Authenticated({ scopes: ['webhooks:write'] })
  @ApiEnvelope(WebhookWithSecretDto, 201, 'The subscription with its signing secret, shown this once')
  @Operation({
    id: 'createWebhook',
    summary: 'Subscribe a URL to events (Standard Webhooks signatures; needs the read scope of every event type)',
    problems: [400, 413, 415],
  })
  async create(
    @Body() body: CreateWebhookDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Envelope<WebhookWithSecretDto>> {
    const subscription = await this.subscriptions.create(body, principal);
    void reply.header('Location', `/v1/webhooks/${subscription.id}`);
    return envelope(WebhookWithSecretDto.withSecret(subscription), 'Created');
  }

  @Get(':id')
  @Conditional()
  @Authenticated({ scopes: ['webhooks:read'] })
  @ApiEnvelope(WebhookDto)
  @Operation({ id: 'getWebhook', summary: 'Get a webhook subscription (with why it was disabled, if it was)', problems: [400, 404] })
  async get(@Param() params: WebhookIdParams): Promise<Envelope<WebhookDto>> {
    return envelope(WebhookDto.from(await this.subscriptions.get(params.id)));
  }

  @Patch(':id')
  @Authenticated({ scopes: ['webhooks:write'] })
  @ApiEnvelope(WebhookDto)
  @Operation({
    id: 'updateWebhook',
    summary: 'Change a webhook subscription; `"enabled": true` re-enables a disabled one (audited)',
    problems: [400, 404, 413, 415],
  })
  async update(@Param() params: WebhookIdParams, @Body() body: UpdateWebhookDto, @CurrentPrincipal() principal: Principal): Promise<Envelope<WebhookDto>> {
    return envelope(WebhookDto.from(await this.subscriptions.update(params.id, body, principal)));
  }

  @Delete(':id')
  @HttpCode(204)
  @Authenticated({ scopes: ['webhooks:write'] })
  @ApiNoContentResponse({ description: 'Deleted, with its deliveries; nothing more is sent to it' })
  @Operation({ id: 'deleteWebhook', summary: 'Delete a webhook subscription (audited)', problems: [400, 404] })
  async delete(@Param() params: WebhookIdParams): Promise<void> {
    await this.subscriptions.delete(params.id);
  }

  @Post(':id/secret/rotate')
  @HttpCode(200)
  @Authenticated({ scopes: ['webhooks:write'] })
  @ApiEnvelope(WebhookWithSecretDto, 200, 'The new secret, shown this once; the previous one also signs until `previous_secret_expires_at`')
  @Operation({ id: 'rotateWebhookSecret', summary: 'Rotate the signing secret with a grace period in which both secrets sign', problems: [400, 404] })
  async rotate(@Param() params: WebhookIdParams): Promise<Envelope<WebhookWithSecretDto>> {
    return envelope(WebhookWithSecretDto.withSecret(await this.subscriptions.rotateSecret(params.id)));
  }

  @Get(':id/deliveries')
  @Authenticated({ scopes: ['webhooks:read'] })
  @ApiListEnvelope(WebhookDeliveryDto)
  @Operation({
    id: 'listWebhookDeliveries',
    summary: 'The subscription’s deliveries with their latest attempt (status, response code, duration, next retry, error)',
    problems: [400, 404],
  })
  async listDeliveries(
    @Param() params: WebhookIdParams,
    @Query() query: ListWebhookDeliveriesQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ListEnvelope<WebhookDeliveryDto>> {
    return listEnvelope(await this.deliveries.list(params.id, query, principal), WebhookDeliveryDto.from);
  }

  @Get(':id/deliveries/:delivery_id')
  @Authenticated({ scopes: ['webhooks:read'] })
  @ApiEnvelope(WebhookDeliveryDto)
  @Operation({ id: 'getWebhookDelivery', summary: 'One delivery with its latest attempt', problems: [400, 404] })
  async getDelivery(@Param() params: WebhookDeliveryParams): Promise<Envelope<WebhookDeliveryDto>> {
    return envelope(WebhookDeliveryDto.from(await this.deliveries.get(params.id, params.delivery_id)));
  }

  @Get(':id/deliveries/:delivery_id/attempts')
  @Authenticated({ scopes: ['webhooks:read'] })
  @ApiListEnvelope(WebhookDeliveryAttemptDto)
  @Operation({
    id: 'listWebhookDeliveryAttempts',
    summary: 'Every attempt of one delivery, newest first by default: outcome, response code, duration, next retry, error',
    problems: [400, 404],
  })
  async listAttempts(
    @Param() params: WebhookDeliveryParams,
    @Query() query: ListWebhookDeliveryAttemptsQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ListEnvelope<WebhookDeliveryAttemptDto>> {
    return listEnvelope(await this.deliveries.attempts(params.id, params.delivery_id, query, principal), WebhookDeliveryAttemptDto.from);
  }

  @Post(':id/deliveries/:delivery_id/retry')
  @HttpCode(202)
  @Authenticated({ scopes: ['webhooks:write'] })
  @ApiEnvelope(WebhookDeliveryDto, 202, 'Queued again; follow it in the deliveries list')
  @Operation({ id: 'retryWebhookDelivery', summary: 'Send a delivery that succeeded or failed once more', problems: [400, 404, 409, 410, 503] })
  async retry(@Param() params: WebhookDeliveryParams): Promise<Envelope<WebhookDeliveryDto>> {
    return envelope(WebhookDeliveryDto.from(await this.deliveries.retry(params.id, params.delivery_id)), 'Accepted');
  }

  @Post(':id/test')
  @HttpCode(202)
  @Authenticated({ scopes: ['webhooks:write'] })
  @ApiEnvelope(WebhookDeliveryDto, 202, 'A webhook.ping delivery, queued')
  @Operation({ id: 'testWebhook', summary: 'Send a signed webhook.ping to the subscription', problems: [400, 404, 409, 503] })
  async test(@Param() params: WebhookIdParams): Promise<Envelope<WebhookDeliveryDto>> {
    return envelope(WebhookDeliveryDto.from(await this.deliveries.test(params.id)), 'Accepted');
  }
}
