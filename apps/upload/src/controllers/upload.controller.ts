import { Body, Controller, Delete, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentPrincipal } from '#libs/auth';
import type { Principal } from '#libs/auth';
import { IdParamDto } from '#libs/contracts';
import { CreateUploadQueryDto } from '../dtos/create-upload-query.dto';
import { PresignUploadDto } from '../dtos/presign-upload.dto';
import { PresignedUploadDto } from '../dtos/presigned-upload.dto';
import { UploadDto } from '../dtos/upload.dto';
import { MultipartUploadService } from '../services/multipart-upload.service';
import { PresignedUploadService } from '../services/presigned-upload.service';
import { UploadFilesService } from '../services/upload-files.service';

@Controller('api/uploads')
export class UploadController {
  constructor(
    private readonly multipart: MultipartUploadService,
    private readonly presigned: PresignedUploadService,
    private readonly files: UploadFilesService,
  ) {}

  @Post()
  async upload(
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query() query: CreateUploadQueryDto,
  ): Promise<UploadDto> {
    try {
      return this.files.toDto(await this.multipart.upload(principal, request, query.public === undefined ? undefined : query.public === 'true'));
    } catch (error) {
      // A refused upload is answered before its body is read to the end: close rather than read the rest.
      if (!request.raw.complete) void reply.header('connection', 'close');
      throw error;
    }
  }

  @Post('presign')
  presign(@CurrentPrincipal() principal: Principal, @Body() body: PresignUploadDto): Promise<PresignedUploadDto> {
    return this.presigned.presign(principal, body);
  }

  @Post(':id/confirm')
  @HttpCode(200)
  async confirm(@CurrentPrincipal() principal: Principal, @Param() params: IdParamDto): Promise<UploadDto> {
    return this.files.toDto(await this.presigned.confirm(principal, params.id));
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@CurrentPrincipal() principal: Principal, @Param() params: IdParamDto): Promise<void> {
    return this.files.remove(params.id, principal);
  }
}
