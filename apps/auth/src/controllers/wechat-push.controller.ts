import { Controller, Get, Header, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiQuery } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { ApiErrors } from '#libs/api-docs';
import { Public } from '#libs/auth';
import { PushQuery, WechatPushService } from '../services/wechat-push.service';

/**
 * WeChat's server push, the URL set in the mini-program console (message push, JSON data format). The query and
 * body are WeChat's, not our DTOs, so they are read from the request and checked by the service rather than by the
 * global validation pipe (which would refuse WeChat's fields as unknown); the body size and depth limits still apply.
 * No token (WeChat signs instead) and no throttling (WeChat's retries are normal).
 */
@Controller('api/auth/wechat/push')
@SkipThrottle({ default: true, sensitive: true })
@ApiErrors('WECHAT_PUSH_SIGNATURE_INVALID', 'WECHAT_PUSH_INVALID', 'SERVICE_UNAVAILABLE')
export class WechatPushController {
  constructor(private readonly push: WechatPushService) {}

  /** Answers WeChat's URL check: `echostr` when `signature` is made with the configured token (called by WeChat). */
  @Public()
  @Get()
  @Header('content-type', 'text/plain; charset=utf-8')
  @ApiQuery({ name: 'signature', description: 'SHA-1 of the sorted token, timestamp and nonce.' })
  @ApiQuery({ name: 'timestamp' })
  @ApiQuery({ name: 'nonce' })
  @ApiQuery({ name: 'echostr', description: 'Answered as is when the signature matches.' })
  @ApiOkResponse({ description: 'The echostr.', content: { 'text/plain': { schema: { type: 'string' } } } })
  verify(@Req() request: FastifyRequest): string {
    return this.push.verifyUrl(request.query as PushQuery);
  }

  /** Takes in a WeChat server push and answers `success` once its event is on the bus (called by WeChat). */
  @Public()
  @Post()
  @HttpCode(200)
  @Header('content-type', 'text/plain; charset=utf-8')
  @ApiQuery({ name: 'signature', description: 'SHA-1 of the sorted token, timestamp and nonce (checked in plain mode).' })
  @ApiQuery({ name: 'timestamp', description: 'Seconds; refused outside WECHAT_PUSH_MAX_AGE_SECONDS of our clock.' })
  @ApiQuery({ name: 'nonce' })
  @ApiQuery({ name: 'encrypt_type', required: false, description: '`aes` in safe mode.' })
  @ApiQuery({ name: 'msg_signature', required: false, description: 'Safe mode: SHA-1 of the sorted token, timestamp, nonce and Encrypt.' })
  @ApiBody({
    description: 'The message (plain mode) or `{ToUserName, Encrypt}` (safe mode), as WeChat sends it.',
    schema: { type: 'object', additionalProperties: true },
  })
  @ApiOkResponse({
    description: '`success`: taken (or a repeat of one taken); WeChat stops retrying.',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  async receive(@Req() request: FastifyRequest): Promise<string> {
    await this.push.receive(request.query as PushQuery, request.body);
    return 'success';
  }
}
