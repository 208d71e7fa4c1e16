import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '#libs/auth';
import { IdParamDto } from '#libs/contracts';
import { AppError } from '#libs/errors';
import { ContentQueryDto } from '../dtos/content-query.dto';
import { UploadDto } from '../dtos/upload.dto';
import { ContentDeliveryService } from '../services/content-delivery.service';
import { OptionalPrincipal } from '../services/optional-principal';
import { ReadAccess, UploadFilesService } from '../services/upload-files.service';
import { UploadLinkSignerService } from '../services/upload-link-signer.service';

/** Reads: open to anyone for public files and signed links, to the owner and staff (by token) otherwise. */
@Public()
@Controller('api/uploads')
export class UploadContentController {
  constructor(
    private readonly files: UploadFilesService,
    private readonly delivery: ContentDeliveryService,
    private readonly principals: OptionalPrincipal,
    private readonly links: UploadLinkSignerService,
  ) {}

  @Get(':id')
  async describe(@Param() params: IdParamDto, @Query() query: ContentQueryDto, @Req() request: FastifyRequest): Promise<UploadDto> {
    return this.files.describe(params.id, await this.access(params.id, query, request));
  }

  @Get(':id/content')
  async content(@Param() params: IdParamDto, @Query() query: ContentQueryDto, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const access = await this.access(params.id, query, request);
    const upload = await this.files.findReadable(params.id, access);
    const header = (name: string) => (typeof request.headers[name] === 'string' ? (request.headers[name] as string) : undefined);
    const content = await this.delivery.reply(
      upload,
      query.variant ?? 'original',
      { range: header('range'), ifRange: header('if-range'), ifNoneMatch: header('if-none-match') },
      this.files.accessEndsAt(upload, access),
    );
    if (content.status === 416) {
      void reply.header('content-range', content.headers['content-range']);
      throw new AppError('UPLOAD_RANGE_NOT_SATISFIABLE', 'The requested range is outside the file');
    }
    await reply.status(content.status).headers(content.headers).send(content.body);
  }

  private async access(id: string, query: ContentQueryDto, request: FastifyRequest): Promise<ReadAccess> {
    return { principal: await this.principals.of(request), signedLink: this.links.signedLink(id, query.exp, query.sig) };
  }
}
