import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiErrors } from '#libs/api-docs';
import { Authenticated, CurrentAccess } from '#libs/auth';
import { IdParamDto } from '#libs/contracts';
import { AppError } from '#libs/errors';
import { ContentQueryDto } from '../dtos/content-query.dto';
import { UploadDto } from '../dtos/upload.dto';
import { ContentReply } from '../services/content-delivery.service';
import { UploadContentService } from '../services/upload-content.service';
import { UploadFilesService } from '../services/upload-files.service';
import type { ReadAccess } from '../services/upload-files.service';
import { ApiUploadContentResponses } from './content-responses.decorator';

async function send(reply: FastifyReply, content: ContentReply): Promise<void> {
  if (content.status === 416) {
    void reply.header('content-range', content.headers['content-range']);
    throw new AppError('UPLOAD_RANGE_NOT_SATISFIABLE', 'The requested range is outside the file');
  }
  await reply.status(content.status).headers(content.headers).send(content.body);
}

/** Reads: public files to anyone, private ones to the owner and staff (by token) or a signed link's holder (read by the guard). */
@Authenticated({ signedLink: true })
@Controller('api/uploads')
export class UploadContentController {
  constructor(
    private readonly files: UploadFilesService,
    private readonly contents: UploadContentService,
  ) {}

  /** An upload's metadata and links: public files to anyone, private ones to their owner, staff, or a signed link's holder. */
  // The query (exp, sig) is validated here though only the guard's signed-link check reads it.
  @Get(':id')
  @ApiErrors('UPLOAD_NOT_FOUND')
  describe(@Param() params: IdParamDto, @Query() _query: ContentQueryDto, @CurrentAccess() access: ReadAccess): Promise<UploadDto> {
    return this.files.describe(params.id, access);
  }

  /** An upload's bytes or its thumbnail, with ranges and validators (or a redirect to storage), to whoever may read it. */
  @Get(':id/content')
  @ApiUploadContentResponses()
  @ApiErrors('UPLOAD_NOT_FOUND', 'UPLOAD_RANGE_NOT_SATISFIABLE', 'STORAGE_UNAVAILABLE')
  async content(
    @Param() params: IdParamDto,
    @Query() query: ContentQueryDto,
    @CurrentAccess() access: ReadAccess,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await send(reply, await this.contents.content(params.id, query.variant ?? 'original', access, request.headers));
  }
}
