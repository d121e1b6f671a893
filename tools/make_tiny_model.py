#!/usr/bin/python3
"""Generate a tiny Stable Diffusion 1.5 look-alike in the diffusers ONNX export layout.

Why: the worker's tests and the local demo need a model with Stable Diffusion's exact folder layout,
tensor names, dtypes and dynamic axes, but without downloading 2 GB of weights. The weights here are
random (fixed seed) and scaled so that the outputs stay in the ranges real SD produces (UNet noise
prediction of about unit variance, VAE images mostly in [-1, 1] with some clipping).

Run (Debian's torch and onnx; the default `python3` on PATH cannot see them):

    apt-get install -y python3-torch python3-onnx
    /usr/bin/python3 tools/make_tiny_model.py                  # writes models/tiny-sd/ and models/tiny-sd-inpaint/
    /usr/bin/python3 tools/make_tiny_model.py --out /tmp/x --inpaint-out /tmp/y   # somewhere else
    /usr/bin/python3 tools/make_tiny_model.py --test-fixtures worker/src/test/resources/models
        # also writes the test fixtures: an int64-timestep UNet (the layout of older diffusers
        # exports), a VAE encoder with in-graph sampling (latent_sample, the older exports) and broken
        # models (a renamed input tensor, a wrong-rank input, a renamed VAE encoder output)
    /usr/bin/python3 tools/make_tiny_model.py --static-unet 2x64x64 --static-unet 4x8x8 --out DIR
        # also writes DIR/unet-static/unet-b2-h64-w64.onnx ...: fixed-shape UNets from which the
        # DJL TensorRT engine builds one engine per (batch, height, width) profile

Layout written (as diffusers' convert_stable_diffusion_checkpoint_to_onnx.py + save_pretrained):

    model_index.json                    OnnxStableDiffusionPipeline, component classes
    tokenizer/vocab.json, merges.txt    copied from the CLIP golden folder (full 49,408-token vocab)
    tokenizer/tokenizer_config.json, special_tokens_map.json
    text_encoder/model.onnx             input_ids int32 [batch, sequence]
                                        -> last_hidden_state [batch, sequence, D], pooler_output [batch, D]
    unet/model.onnx                     sample f32 [batch, channels, height, width], timestep f32 [batch],
                                        encoder_hidden_states f32 [batch, sequence, D] -> out_sample
    unet/config.json                    UNet2DConditionModel-style config (optimum keeps one per component)
    vae_decoder/model.onnx              latent_sample f32 [batch, channels, height, width] -> sample [b,3,8h,8w]
    vae_decoder/config.json             AutoencoderKL-style config with scaling_factor 0.18215
    vae_encoder/model.onnx              optimum's layout (>= 1.23): sample f32 [batch_size, 3, sample_height,
                                        sample_width] -> latent_parameters [b, 8, h/8, w/8] (4 means, then 4
                                        log-variances: AutoencoderKL.encode(x).latent_dist.parameters)
    vae_encoder/config.json             the same AutoencoderKL config (optimum writes one per component)
    scheduler/scheduler_config.json     SD 1.5's PNDMScheduler config

models/tiny-sd-inpaint/ is the runwayml/stable-diffusion-inpainting layout: the same parts (text encoder and
VAE copied byte for byte), model_index.json naming OnnxStableDiffusionInpaintPipeline, and a UNet whose
`sample` has 9 channels (latents, mask, masked-image latents; unet/config.json in_channels 9).

The script is deterministic, also across machines: every weight and calibration input comes from numpy's
PCG64 generator (not torch's, whose kernels differ per CPU instruction set), and the calibration statistics
(float32 sums whose last bits depend on the thread split and vector width) are rounded to two significant
digits before they touch a weight; see numpy_init and CALIBRATION_DIGITS. Checked by generating twice into
/tmp with 2 threads, with 1 thread, and with torch forced to its non-vector kernels
(ATEN_CPU_CAPABILITY=default OMP_NUM_THREADS=1): every file byte-identical (torch 1.13, numpy 1.24).
"""

import argparse
import json
import math
import shutil
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

import numpy as np
import onnx

SEED = 20240611
OPSET = 14  # diffusers' default export opset
VOCAB_SIZE = 49408
MAX_POSITIONS = 77
TEXT_HIDDEN = 32
TEXT_LAYERS = 2
TEXT_HEADS = 2
LATENT_CHANNELS = 4
UNET_CHANNELS = (32, 64)
UNET_GROUPS = 8
TIME_PROJ_DIM = 32
TIME_EMBED_DIM = 128
VAE_CHANNELS = (32, 32, 16, 16)
VAE_SCALING_FACTOR = 0.18215
DIFFUSERS_VERSION = "0.27.2"

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "models" / "tiny-sd"
DEFAULT_INPAINT_OUT = REPO / "models" / "tiny-sd-inpaint"
DEFAULT_CLIP = REPO.parent / "shared" / "golden" / "clip"


# ----------------------------------------------------------------------------------------------
# Text encoder: CLIP text transformer (pre-LayerNorm blocks, causal mask, quick-GELU, final LN)
# ----------------------------------------------------------------------------------------------
class ClipAttention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(dim, dim)
        self.k = nn.Linear(dim, dim)
        self.v = nn.Linear(dim, dim)
        self.out = nn.Linear(dim, dim)

    def forward(self, x, mask):
        b, s, d = x.shape
        hd = d // self.heads
        q = self.q(x).reshape(b, s, self.heads, hd).transpose(1, 2) * (hd ** -0.5)
        k = self.k(x).reshape(b, s, self.heads, hd).transpose(1, 2)
        v = self.v(x).reshape(b, s, self.heads, hd).transpose(1, 2)
        w = torch.softmax(q @ k.transpose(-1, -2) + mask, dim=-1)
        return self.out((w @ v).transpose(1, 2).reshape(b, s, d))


class ClipLayer(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.ln1 = nn.LayerNorm(dim)
        self.attn = ClipAttention(dim, heads)
        self.ln2 = nn.LayerNorm(dim)
        self.fc1 = nn.Linear(dim, 4 * dim)
        self.fc2 = nn.Linear(4 * dim, dim)

    def forward(self, x, mask):
        x = x + self.attn(self.ln1(x), mask)
        h = self.fc1(self.ln2(x))
        h = h * torch.sigmoid(1.702 * h)  # quick_gelu, as CLIP ViT-L/14's text tower
        return x + self.fc2(h)


class TinyClipTextModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.token_embedding = nn.Embedding(VOCAB_SIZE, TEXT_HIDDEN)
        self.position_embedding = nn.Embedding(MAX_POSITIONS, TEXT_HIDDEN)
        self.layers = nn.ModuleList([ClipLayer(TEXT_HIDDEN, TEXT_HEADS) for _ in range(TEXT_LAYERS)])
        self.final_layer_norm = nn.LayerNorm(TEXT_HIDDEN)
        causal = torch.full((MAX_POSITIONS, MAX_POSITIONS), float("-inf")).triu(1)
        self.register_buffer("causal_mask", causal, persistent=False)
        self.register_buffer("position_ids", torch.arange(MAX_POSITIONS), persistent=False)

    def forward(self, input_ids):
        seq = input_ids.shape[1]
        ids = input_ids.long()
        x = self.token_embedding(ids) + self.position_embedding(self.position_ids[:seq])
        mask = self.causal_mask[:seq, :seq]
        for layer in self.layers:
            x = layer(x, mask)
        last = self.final_layer_norm(x)
        # CLIP pools at the end-of-text token, which has the highest id in the vocabulary
        eos = ids.argmax(dim=-1)
        pooled = last[torch.arange(last.shape[0]), eos]
        return last, pooled


# ----------------------------------------------------------------------------------------------
# UNet: SD's UNet2DConditionModel shape at toy width
# ----------------------------------------------------------------------------------------------
def timestep_frequencies(dim):
    """exp(-log(10000) * i / half) for i < half, computed in float64 by numpy (not by torch's float32 exp, whose
    vectorised kernels differ in the last bit between CPUs: the export folds this into a constant)."""
    half = dim // 2
    return torch.from_numpy(np.exp(-math.log(10000.0) * np.arange(half, dtype=np.float64) / half).astype(np.float32))


def timestep_embedding(t, frequencies):
    """Sinusoidal embedding as SD's Timesteps(flip_sin_to_cos=True, downscale_freq_shift=0)."""
    args = t[:, None].float() * frequencies[None, :]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, temb=None, groups=UNET_GROUPS):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, cin, eps=1e-5)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.temb = nn.Linear(temb, cout) if temb else None
        self.norm2 = nn.GroupNorm(groups, cout, eps=1e-5)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, emb=None):
        h = self.conv1(F.silu(self.norm1(x)))
        if self.temb is not None:
            h = h + self.temb(F.silu(emb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return (self.skip(x) if self.skip is not None else x) + h


class Attention(nn.Module):
    def __init__(self, dim, context_dim, heads):
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(dim, dim, bias=False)
        self.k = nn.Linear(context_dim, dim, bias=False)
        self.v = nn.Linear(context_dim, dim, bias=False)
        self.out = nn.Linear(dim, dim)

    def forward(self, x, context):
        b, n, d = x.shape
        m = context.shape[1]
        hd = d // self.heads
        q = self.q(x).reshape(b, n, self.heads, hd).transpose(1, 2)
        k = self.k(context).reshape(b, m, self.heads, hd).transpose(1, 2)
        v = self.v(context).reshape(b, m, self.heads, hd).transpose(1, 2)
        w = torch.softmax((q @ k.transpose(-1, -2)) * (hd ** -0.5), dim=-1)
        return self.out((w @ v).transpose(1, 2).reshape(b, n, d))


class SpatialTransformer(nn.Module):
    """SD's Transformer2DModel: norm, proj_in, [self-attn], cross-attn on the text, GEGLU FF, proj_out.

    Self-attention is only used at the coarse level: at 64x64 latents a 4096x4096 attention map per
    head and item would dominate memory and time of a model whose point is to be small.
    """

    def __init__(self, ch, context_dim, heads=2, self_attention=True):
        super().__init__()
        self.norm = nn.GroupNorm(UNET_GROUPS, ch, eps=1e-6)
        self.proj_in = nn.Conv2d(ch, ch, 1)
        self.ln1 = nn.LayerNorm(ch) if self_attention else None
        self.attn1 = Attention(ch, ch, heads) if self_attention else None
        self.ln2 = nn.LayerNorm(ch)
        self.attn2 = Attention(ch, context_dim, heads)
        self.ln3 = nn.LayerNorm(ch)
        self.ff_in = nn.Linear(ch, 4 * ch)
        self.ff_out = nn.Linear(2 * ch, ch)
        self.proj_out = nn.Conv2d(ch, ch, 1)

    def forward(self, x, context):
        b, c, h, w = x.shape
        r = self.proj_in(self.norm(x)).permute(0, 2, 3, 1).reshape(b, h * w, c)
        if self.attn1 is not None:
            r = r + self.attn1(self.ln1(r), self.ln1(r))
        r = r + self.attn2(self.ln2(r), context)
        a, gate = self.ff_in(self.ln3(r)).chunk(2, dim=-1)
        r = r + self.ff_out(a * F.gelu(gate))
        r = r.reshape(b, h, w, c).permute(0, 3, 1, 2)
        return x + self.proj_out(r)


class TinyUNet(nn.Module):
    def __init__(self, int64_timestep=False, in_channels=LATENT_CHANNELS):
        """in_channels 4: SD's UNet; 9: the inpainting UNet (latents + mask + masked-image latents)."""
        super().__init__()
        c0, c1 = UNET_CHANNELS
        self.int64_timestep = int64_timestep
        self.in_channels = in_channels
        self.register_buffer("time_frequencies", timestep_frequencies(TIME_PROJ_DIM), persistent=False)
        self.time_fc1 = nn.Linear(TIME_PROJ_DIM, TIME_EMBED_DIM)
        self.time_fc2 = nn.Linear(TIME_EMBED_DIM, TIME_EMBED_DIM)
        self.conv_in = nn.Conv2d(in_channels, c0, 3, padding=1)
        # down level 0 (full latent resolution), then stride-2 downsample
        self.down0_res = ResBlock(c0, c0, TIME_EMBED_DIM)
        self.down0_attn = SpatialTransformer(c0, TEXT_HIDDEN, self_attention=False)
        self.down0_sample = nn.Conv2d(c0, c0, 3, stride=2, padding=1)
        # down level 1 (half resolution)
        self.down1_res = ResBlock(c0, c1, TIME_EMBED_DIM)
        self.down1_attn = SpatialTransformer(c1, TEXT_HIDDEN)
        # mid block
        self.mid_res1 = ResBlock(c1, c1, TIME_EMBED_DIM)
        self.mid_attn = SpatialTransformer(c1, TEXT_HIDDEN)
        self.mid_res2 = ResBlock(c1, c1, TIME_EMBED_DIM)
        # up level 1 (consumes the skips of down level 1 and of the downsample), then upsample
        self.up1_res = nn.ModuleList([ResBlock(c1 + c1, c1, TIME_EMBED_DIM), ResBlock(c1 + c0, c1, TIME_EMBED_DIM)])
        self.up1_attn = nn.ModuleList([SpatialTransformer(c1, TEXT_HIDDEN), SpatialTransformer(c1, TEXT_HIDDEN)])
        self.up1_conv = nn.Conv2d(c1, c1, 3, padding=1)
        # up level 0 (consumes the skips of down level 0 and of conv_in)
        self.up0_res = nn.ModuleList([ResBlock(c1 + c0, c0, TIME_EMBED_DIM), ResBlock(c0 + c0, c0, TIME_EMBED_DIM)])
        self.up0_attn = nn.ModuleList([
            SpatialTransformer(c0, TEXT_HIDDEN, self_attention=False),
            SpatialTransformer(c0, TEXT_HIDDEN, self_attention=False)])
        self.norm_out = nn.GroupNorm(UNET_GROUPS, c0, eps=1e-5)
        self.conv_out = nn.Conv2d(c0, LATENT_CHANNELS, 3, padding=1)

    def forward(self, sample, timestep, encoder_hidden_states):
        # one timestep for the batch ([1]) or one per item ([batch]), as diffusers' UNet accepts
        t = timestep.reshape(-1).expand(sample.shape[0])
        if self.int64_timestep:
            t = t.float()
        emb = self.time_fc2(F.silu(self.time_fc1(timestep_embedding(t, self.time_frequencies))))
        ctx = encoder_hidden_states
        h = self.conv_in(sample)
        skips = [h]
        h = self.down0_attn(self.down0_res(h, emb), ctx)
        skips.append(h)
        h = self.down0_sample(h)
        skips.append(h)
        h = self.down1_attn(self.down1_res(h, emb), ctx)
        skips.append(h)
        h = self.mid_res2(self.mid_attn(self.mid_res1(h, emb), ctx), emb)
        for res, attn in zip(self.up1_res, self.up1_attn):
            h = attn(res(torch.cat([h, skips.pop()], dim=1), emb), ctx)
        h = self.up1_conv(F.interpolate(h, scale_factor=2.0, mode="nearest"))
        for res, attn in zip(self.up0_res, self.up0_attn):
            h = attn(res(torch.cat([h, skips.pop()], dim=1), emb), ctx)
        return self.conv_out(F.silu(self.norm_out(h)))


# ----------------------------------------------------------------------------------------------
# VAE decoder: post_quant_conv, conv_in, mid ResNet, 3 x (ResNet + nearest 2x + conv), norm, conv_out
# ----------------------------------------------------------------------------------------------
class TinyVaeDecoder(nn.Module):
    def __init__(self):
        super().__init__()
        c = VAE_CHANNELS
        self.post_quant_conv = nn.Conv2d(LATENT_CHANNELS, LATENT_CHANNELS, 1)
        self.conv_in = nn.Conv2d(LATENT_CHANNELS, c[0], 3, padding=1)
        self.mid = ResBlock(c[0], c[0])
        self.up_res = nn.ModuleList([ResBlock(c[i], c[i + 1]) for i in range(3)])
        self.up_conv = nn.ModuleList([nn.Conv2d(c[i + 1], c[i + 1], 3, padding=1) for i in range(3)])
        self.last_res = ResBlock(c[3], c[3])
        self.norm_out = nn.GroupNorm(UNET_GROUPS, c[3], eps=1e-6)
        self.conv_out = nn.Conv2d(c[3], 3, 3, padding=1)

    def forward(self, latent_sample):
        h = self.conv_in(self.post_quant_conv(latent_sample))
        h = self.mid(h)
        for res, conv in zip(self.up_res, self.up_conv):
            h = conv(F.interpolate(res(h), scale_factor=2.0, mode="nearest"))
        h = self.last_res(h)
        return self.conv_out(F.silu(self.norm_out(h)))


# ----------------------------------------------------------------------------------------------
# VAE encoder: conv_in, 3 x (ResNet + stride-2 conv), mid ResNet, norm, conv_out to 2 x latent channels,
# quant_conv; the output is the latent distribution's parameters (means, then log-variances), as
# AutoencoderKL.encode(x).latent_dist.parameters, which is what optimum exports as latent_parameters
# ----------------------------------------------------------------------------------------------
class TinyVaeEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        c = tuple(reversed(VAE_CHANNELS))  # 16, 16, 32, 32
        self.conv_in = nn.Conv2d(3, c[0], 3, padding=1)
        self.down_res = nn.ModuleList([ResBlock(c[i], c[i + 1]) for i in range(3)])
        self.down_conv = nn.ModuleList([nn.Conv2d(c[i + 1], c[i + 1], 3, stride=2, padding=1) for i in range(3)])
        self.mid = ResBlock(c[3], c[3])
        self.norm_out = nn.GroupNorm(UNET_GROUPS, c[3], eps=1e-6)
        self.conv_out = nn.Conv2d(c[3], 2 * LATENT_CHANNELS, 3, padding=1)
        self.quant_conv = nn.Conv2d(2 * LATENT_CHANNELS, 2 * LATENT_CHANNELS, 1)

    def forward(self, sample):
        h = self.conv_in(sample)
        for res, conv in zip(self.down_res, self.down_conv):
            h = conv(res(h))
        h = self.mid(h)
        return self.quant_conv(self.conv_out(F.silu(self.norm_out(h))))


# ----------------------------------------------------------------------------------------------
# Determinism across machines. torch's own random init and randn are NOT the same on every CPU: its
# kernels are built once per instruction set (default, AVX2, AVX-512) and the builds differ in their last
# bits (vectorised normal sampling, fused multiply-adds in uniform_); ATEN_CPU_CAPABILITY=default changed
# every weight of every file here. So every weight and every calibration input is drawn by numpy's PCG64
# in float64 (integer arithmetic, no vector paths) and only then rounded to float32, with torch's default
# distributions: Linear and Conv2d weights and biases U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (kaiming_uniform
# with a = sqrt(5)), Embedding N(0, 1), norms ones and zeros.
# Calibration then runs the models forward in float32, whose sums over many values come out a few ulps
# apart with a different thread split or vector width; the statistics are rounded to CALIBRATION_DIGITS
# significant digits before they touch a weight, so they agree unless one falls within a few ulps of a
# rounding boundary (odds about 1e-5 per statistic).
# ----------------------------------------------------------------------------------------------
CALIBRATION_DIGITS = 2


def numpy_init(model, seed):
    """Overwrites every parameter of `model` from numpy's PCG64 stream `seed`, module by module in order."""
    rng = np.random.Generator(np.random.PCG64(seed))
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, (nn.Linear, nn.Conv2d)):
                bound = 1.0 / math.sqrt(module.weight[0].numel())
                module.weight.copy_(uniform(rng, bound, module.weight.shape))
                if module.bias is not None:
                    module.bias.copy_(uniform(rng, bound, module.bias.shape))
            elif isinstance(module, nn.Embedding):
                module.weight.copy_(torch.from_numpy(rng.standard_normal(tuple(module.weight.shape)).astype(np.float32)))
            elif isinstance(module, (nn.LayerNorm, nn.GroupNorm)):
                module.weight.fill_(1.0)
                module.bias.fill_(0.0)
    return model


def uniform(rng, bound, shape):
    return torch.from_numpy(rng.uniform(-bound, bound, tuple(shape)).astype(np.float32))


def numpy_randn(seed, *shape):
    return torch.from_numpy(np.random.Generator(np.random.PCG64(seed)).standard_normal(shape).astype(np.float32))


def numpy_images(seed, *shape):
    """Uniform pixels in [-1, 1), as the VAE encoder sees images."""
    return torch.from_numpy(np.random.Generator(np.random.PCG64(seed)).uniform(-1, 1, shape).astype(np.float32))


def rounded(value):
    """`value` (a Python float or a tensor of them) to CALIBRATION_DIGITS significant digits, in float64."""
    if isinstance(value, torch.Tensor):
        return torch.tensor([rounded(v) for v in value.double().tolist()], dtype=torch.float64)
    return float(f"{float(value):.{CALIBRATION_DIGITS}g}")


@torch.no_grad()
def calibrate_unet(unet, text):
    ids = torch.full((2, MAX_POSITIONS), 49407, dtype=torch.int32)
    ids[:, 0] = 49406
    ids[0, 1:4] = torch.tensor([320, 1125, 539], dtype=torch.int32)
    ctx = text(ids)[0]
    sample = numpy_randn(SEED + 100, 2, unet.in_channels, 64, 64)
    t = torch.tensor([500, 500], dtype=torch.int64 if unet.int64_timestep else torch.float32)
    out = unet(sample, t, ctx)
    # centre each channel (noise has mean 0), then unit variance
    unet.conv_out.bias.sub_(rounded(out.mean(dim=(0, 2, 3))).float())
    std = rounded(out.std().item())
    unet.conv_out.weight.mul_(1.0 / std)
    unet.conv_out.bias.mul_(1.0 / std)


@torch.no_grad()
def calibrate_vae(vae):
    # the pipeline feeds latents / scaling_factor, i.e. values of std about 1 / 0.18215
    out = vae(numpy_randn(SEED + 101, 2, LATENT_CHANNELS, 8, 8) / VAE_SCALING_FACTOR)
    out_std = rounded(out.std().item())
    # std 0.5: most pixels inside [-1, 1], a few percent clipped, as an untrained SD VAE looks
    vae.conv_out.weight.mul_(0.5 / out_std)
    vae.conv_out.bias.mul_(0.0)


ENCODER_LOGVAR_MEAN = -4.0  # sampling noise of std e^-2 (about 0.14) per latent before scaling: visible in tests
ENCODER_LOGVAR_STD = 1.0


@torch.no_grad()
def calibrate_vae_encoder(encoder):
    """Latent means of std 1 / scaling_factor (SD's latents are about unit variance once scaled), log-variances
    around ENCODER_LOGVAR_MEAN, both set through quant_conv's rows."""
    out = encoder(numpy_images(SEED + 102, 2, 3, 64, 64))
    q = encoder.quant_conv
    for rows, target_mean, target_std in ((slice(0, LATENT_CHANNELS), 0.0, 1.0 / VAE_SCALING_FACTOR),
                                          (slice(LATENT_CHANNELS, 2 * LATENT_CHANNELS), ENCODER_LOGVAR_MEAN,
                                           ENCODER_LOGVAR_STD)):
        part = out[:, rows]
        q.bias[rows] -= rounded(part.mean(dim=(0, 2, 3))).float()
        factor = target_std / rounded(part.std().item())
        q.weight[rows] *= factor
        q.bias[rows] *= factor
        q.bias[rows] += target_mean


# ----------------------------------------------------------------------------------------------
# Export helpers
# ----------------------------------------------------------------------------------------------
def export(model, args, path, input_names, output_names, dynamic_axes):
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(model, args, path.as_posix(), input_names=input_names, output_names=output_names,
                      dynamic_axes=dynamic_axes, opset_version=OPSET, do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path.as_posix()))


SPATIAL_AXES = {0: "batch", 1: "channels", 2: "height", 3: "width"}


def export_text_encoder(text, path):
    ids = torch.full((1, MAX_POSITIONS), 49407, dtype=torch.int32)
    ids[0, 0] = 49406
    export(text, (ids,), path, ["input_ids"], ["last_hidden_state", "pooler_output"],
           {"input_ids": {0: "batch", 1: "sequence"}})


def export_unet(unet, path, static_shape=None):
    batch, h, w = static_shape or (2, 8, 8)
    t_dtype = torch.int64 if unet.int64_timestep else torch.float32
    args = (torch.randn(batch, unet.in_channels, h, w), torch.tensor([981] * batch, dtype=t_dtype),
            torch.randn(batch, MAX_POSITIONS, TEXT_HIDDEN))
    axes = None if static_shape else {
        "sample": SPATIAL_AXES,
        "timestep": {0: "batch"},
        "encoder_hidden_states": {0: "batch", 1: "sequence"},
    }
    export(unet, args, path, ["sample", "timestep", "encoder_hidden_states"], ["out_sample"], axes)


def export_vae(vae, path):
    export(vae, (torch.randn(1, LATENT_CHANNELS, 8, 8),), path, ["latent_sample"], ["sample"],
           {"latent_sample": SPATIAL_AXES})


def export_vae_encoder(encoder, path):
    """optimum's layout (VaeEncoderOnnxConfig, optimum >= 1.23): sample -> latent_parameters, its axis names."""
    export(encoder, (torch.rand(1, 3, 64, 64) * 2 - 1,), path, ["sample"], ["latent_parameters"], {
        "sample": {0: "batch_size", 2: "sample_height", 3: "sample_width"},
        "latent_parameters": {0: "batch_size", 2: "sample_height / 8", 3: "sample_width / 8"},
    })


def write_json(path, obj):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def write_configs(out, clip_dir, inpaint=False):
    write_json(out / "model_index.json", {
        "_class_name": "OnnxStableDiffusionInpaintPipeline" if inpaint else "OnnxStableDiffusionPipeline",
        "_diffusers_version": DIFFUSERS_VERSION,
        "feature_extractor": [None, None],
        "requires_safety_checker": False,
        "safety_checker": [None, None],
        "scheduler": ["diffusers", "PNDMScheduler"],
        "text_encoder": ["diffusers", "OnnxRuntimeModel"],
        "tokenizer": ["transformers", "CLIPTokenizer"],
        "unet": ["diffusers", "OnnxRuntimeModel"],
        "vae_decoder": ["diffusers", "OnnxRuntimeModel"],
        "vae_encoder": ["diffusers", "OnnxRuntimeModel"],
    })
    write_json(out / "scheduler" / "scheduler_config.json", {
        "_class_name": "PNDMScheduler",
        "_diffusers_version": DIFFUSERS_VERSION,
        "beta_end": 0.012,
        "beta_schedule": "scaled_linear",
        "beta_start": 0.00085,
        "clip_sample": False,
        "num_train_timesteps": 1000,
        "prediction_type": "epsilon",
        "set_alpha_to_one": False,
        "skip_prk_steps": True,
        "steps_offset": 1,
        "timestep_spacing": "leading",
        "trained_betas": None,
    })
    tok = out / "tokenizer"
    tok.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(clip_dir / "vocab.json", tok / "vocab.json")
    shutil.copyfile(clip_dir / "merges.txt", tok / "merges.txt")
    special = {"content": None, "lstrip": False, "normalized": True, "rstrip": False, "single_word": False}
    write_json(tok / "special_tokens_map.json", {
        "bos_token": dict(special, content="<|startoftext|>"),
        "eos_token": dict(special, content="<|endoftext|>"),
        "pad_token": "<|endoftext|>",
        "unk_token": dict(special, content="<|endoftext|>"),
    })
    write_json(tok / "tokenizer_config.json", {
        "add_prefix_space": False,
        "bos_token": dict(special, content="<|startoftext|>", __type="AddedToken"),
        "do_lower_case": True,
        "eos_token": dict(special, content="<|endoftext|>", __type="AddedToken"),
        "errors": "replace",
        "model_max_length": MAX_POSITIONS,
        "pad_token": "<|endoftext|>",
        "tokenizer_class": "CLIPTokenizer",
        "unk_token": dict(special, content="<|endoftext|>", __type="AddedToken"),
    })
    vae_config = {
        "_class_name": "AutoencoderKL",
        "_diffusers_version": DIFFUSERS_VERSION,
        "act_fn": "silu",
        "block_out_channels": list(reversed(VAE_CHANNELS)),
        "in_channels": 3,
        "latent_channels": LATENT_CHANNELS,
        "layers_per_block": 1,
        "norm_num_groups": UNET_GROUPS,
        "out_channels": 3,
        "sample_size": 512,
        "scaling_factor": VAE_SCALING_FACTOR,
    }
    write_json(out / "vae_decoder" / "config.json", vae_config)
    write_json(out / "vae_encoder" / "config.json", vae_config)  # optimum writes the VAE's config for both
    write_json(out / "unet" / "config.json", {
        "_class_name": "UNet2DConditionModel",
        "_diffusers_version": DIFFUSERS_VERSION,
        "block_out_channels": list(UNET_CHANNELS),
        "cross_attention_dim": TEXT_HIDDEN,
        "in_channels": 2 * LATENT_CHANNELS + 1 if inpaint else LATENT_CHANNELS,
        "out_channels": LATENT_CHANNELS,
        "sample_size": 64,
    })
    write_json(out / "text_encoder" / "config.json", {
        "architectures": ["CLIPTextModel"],
        "hidden_act": "quick_gelu",
        "hidden_size": TEXT_HIDDEN,
        "max_position_embeddings": MAX_POSITIONS,
        "num_attention_heads": TEXT_HEADS,
        "num_hidden_layers": TEXT_LAYERS,
        "vocab_size": VOCAB_SIZE,
    })


def rename_graph_input(src, dst, old, new):
    """A copy of an ONNX file whose input `old` is called `new` (a broken model for the tests)."""
    model = onnx.load(src.as_posix())
    for node in model.graph.node:
        for i, name in enumerate(node.input):
            if name == old:
                node.input[i] = new
    for value in model.graph.input:
        if value.name == old:
            value.name = new
    onnx.checker.check_model(model)
    dst.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, dst.as_posix())


class FlatLatentVae(nn.Module):
    """A VAE decoder taking a rank-3 latent: the 'wrong shape' fixture."""

    def __init__(self, vae):
        super().__init__()
        self.vae = vae

    def forward(self, latent_sample):
        b, c, n = latent_sample.shape
        side = 8
        return self.vae(latent_sample.reshape(b, c, side, n // side))


class SampledLatentVaeEncoder(nn.Module):
    """The older exports' VAE encoder (diffusers' convert script, optimum <= 1.22): latent_dist.sample() traced
    into the graph, an unseeded RandomNormalLike node, so every run draws other noise."""

    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder

    def forward(self, sample):
        mean, logvar = self.encoder(sample).chunk(2, dim=1)
        return mean + torch.exp(0.5 * logvar.clamp(-30.0, 20.0)) * torch.randn_like(mean)


def rename_graph_output(src, dst, old, new):
    """A copy of an ONNX file whose output `old` is called `new` (a broken model for the tests)."""
    model = onnx.load(src.as_posix())
    for node in model.graph.node:
        for i, name in enumerate(node.output):
            if name == old:
                node.output[i] = new
    for value in model.graph.output:
        if value.name == old:
            value.name = new
    onnx.checker.check_model(model)
    dst.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, dst.as_posix())


def write_test_fixtures(root, out, unet, vae, encoder):
    # same weights as the float-timestep UNet, so both layouts must give the same noise prediction
    unet64 = TinyUNet(int64_timestep=True).eval()
    unet64.load_state_dict(unet.state_dict())
    export_unet(unet64, root / "unet-int64-timestep" / "model.onnx")
    rename_graph_input(out / "unet" / "model.onnx", root / "broken-renamed-unet-input" / "model.onnx",
                       "encoder_hidden_states", "text_embeds")
    export(FlatLatentVae(vae), (torch.randn(1, LATENT_CHANNELS, 64),), root / "broken-rank-vae" / "model.onnx",
           ["latent_sample"], ["sample"], {"latent_sample": {0: "batch", 2: "pixels"}})
    export(SampledLatentVaeEncoder(encoder), (numpy_images(SEED + 103, 1, 3, 64, 64),),
           root / "vae-encoder-latent-sample" / "model.onnx", ["sample"], ["latent_sample"],
           {"sample": SPATIAL_AXES})
    rename_graph_output(out / "vae_encoder" / "model.onnx", root / "broken-vae-encoder-output" / "model.onnx",
                        "latent_parameters", "latent_dist")


@torch.no_grad()
def self_check(text, unet, vae, encoder):
    """Sanity numbers printed after generation (the models are verified in Java against ORT)."""
    ids = torch.full((3, MAX_POSITIONS), 49407, dtype=torch.int32)
    ids[:, 0] = 49406
    ids[1, 1:3] = torch.tensor([1125, 539], dtype=torch.int32)
    ctx, pooled = text(ids)
    sample = torch.randn(3, LATENT_CHANNELS, 64, 64)
    out = unet(sample, torch.tensor([981.0] * 3), ctx)
    alone = unet(sample[1:2], torch.tensor([981.0]), ctx[1:2])
    img = vae(torch.randn(2, LATENT_CHANNELS, 64, 64) / VAE_SCALING_FACTOR)
    print(f"text: last_hidden_state {tuple(ctx.shape)} std {ctx.std():.3f}, pooler_output {tuple(pooled.shape)}")
    print(f"unet: out {tuple(out.shape)} mean {out.mean():.3f} std {out.std():.3f}; "
          f"batch independence max diff {(out[1:2] - alone).abs().max():.2e}")
    print(f"vae : out {tuple(img.shape)} std {img.std():.3f}, "
          f"fraction outside [-1,1] {(img.abs() > 1).float().mean():.3%}")
    params = encoder(torch.rand(2, 3, 64, 64) * 2 - 1)
    mean, logvar = params.chunk(2, dim=1)
    print(f"vae encoder: latent_parameters {tuple(params.shape)}, mean std {mean.std():.3f} "
          f"(x scaling {mean.std() * VAE_SCALING_FACTOR:.3f}), logvar mean {logvar.mean():.2f} std {logvar.std():.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="model folder to write")
    parser.add_argument("--clip", type=Path, default=DEFAULT_CLIP, help="folder with vocab.json and merges.txt")
    parser.add_argument("--int64-timestep", action="store_true",
                        help="export the UNet with an int64 timestep (layout of older diffusers exports)")
    parser.add_argument("--test-fixtures", type=Path, default=None,
                        help="also write the int64-timestep UNet and broken models for the Java tests here")
    parser.add_argument("--static-unet", action="append", default=[], metavar="BxHxW",
                        help="also export a fixed-shape UNet for this (batch, latent height, latent width)")
    parser.add_argument("--inpaint-out", type=Path, default=DEFAULT_INPAINT_OUT,
                        help="inpainting model folder to write (9-channel UNet; the other parts copied from --out)")
    parser.add_argument("--no-inpaint", action="store_true", help="do not write the inpainting model")
    args = parser.parse_args()

    torch.manual_seed(SEED)  # for the tracing inputs of the export only; no weight comes from torch's generator
    text = numpy_init(TinyClipTextModel(), SEED).eval()
    unet = numpy_init(TinyUNet(int64_timestep=args.int64_timestep), SEED + 1).eval()
    vae = numpy_init(TinyVaeDecoder(), SEED + 2).eval()
    calibrate_unet(unet, text)
    calibrate_vae(vae)

    out = args.out
    if out.exists():
        shutil.rmtree(out)
    write_configs(out, args.clip)
    export_text_encoder(text, out / "text_encoder" / "model.onnx")
    export_unet(unet, out / "unet" / "model.onnx")
    export_vae(vae, out / "vae_decoder" / "model.onnx")
    encoder = numpy_init(TinyVaeEncoder(), SEED + 3).eval()
    calibrate_vae_encoder(encoder)
    export_vae_encoder(encoder, out / "vae_encoder" / "model.onnx")
    for spec in args.static_unet:
        b, h, w = (int(v) for v in spec.lower().split("x"))
        export_unet(unet, out / "unet-static" / f"unet-b{b}-h{h}-w{w}.onnx", static_shape=(b, h, w))
    if args.test_fixtures is not None:
        write_test_fixtures(args.test_fixtures, out, unet, vae, encoder)
    self_check(text, unet, vae, encoder)
    if not args.no_inpaint:
        write_inpaint_model(args.inpaint_out, out, args.clip, text)
    for folder in (out,) if args.no_inpaint else (out, args.inpaint_out):
        print(folder)
        for f in sorted(folder.rglob("*")):
            if f.is_file():
                print(f"{f.stat().st_size:>10,}  {f.relative_to(folder)}")


def write_inpaint_model(out, base, clip_dir, text):
    """The runwayml/stable-diffusion-inpainting layout: the same folder as `base`, with a 9-channel UNet."""
    unet = numpy_init(TinyUNet(in_channels=2 * LATENT_CHANNELS + 1), SEED + 4).eval()
    calibrate_unet(unet, text)
    if out.exists():
        shutil.rmtree(out)
    write_configs(out, clip_dir, inpaint=True)
    for part in ("text_encoder", "vae_decoder", "vae_encoder"):
        shutil.copyfile(base / part / "model.onnx", out / part / "model.onnx")
    export_unet(unet, out / "unet" / "model.onnx")


if __name__ == "__main__":
    main()
