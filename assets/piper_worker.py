# herald's piper worker: the voice model is loaded once, then one part is spoken per request.
# Run by the python of piper's own environment: python3 -c <this> MODEL.
# In, one JSON line per part: {"text": ..., "stretch": ..., "out": path}, stretch being the
# length wanted relative to the voice's own pace (1 / speed).
# Out, one line per part once its WAV is complete: "ok", or "error <why>".
# It ends when its input closes.
import json
import sys
import wave

from piper import PiperVoice, SynthesisConfig

voice = PiperVoice.load(sys.argv[1])
rate = voice.config.sample_rate
# The model rounds every phoneme id up to whole frames of 256 samples, about 0.65 frame each
# on average (measured), whatever the length_scale: so length_scale = 1 / speed alone makes
# 1.5x only 1.33x. A part lasts about ids * (pace * length_scale + ROUNDING), where pace, the
# voice's seconds per id, is learnt from the parts spoken so far.
ROUNDING = 0.65 * 256 / rate
pace = None
ids_heard = 0


def spoken(text, scale):
    config = SynthesisConfig(length_scale=scale)
    # A short pause between the sentences of a part, as a reader would make.
    pause = bytes(2 * int(rate * 0.15 * scale))
    chunks = []
    for chunk in voice.synthesize(text, syn_config=config):
        if chunks:
            chunks.append(pause)
        chunks.append(chunk.audio_int16_bytes)
    return b"".join(chunks)


def scale_for(stretch):
    if pace is None or abs(stretch - 1) < 0.01:
        return stretch
    return min(max(((pace + ROUNDING) * stretch - ROUNDING) / pace, 0.1), 4.0)


def learn(ids, audio, scale):
    global pace, ids_heard
    heard = max(len(audio) / 2 / rate / ids - ROUNDING, 0.001) / scale
    pace = heard if pace is None else (pace * ids_heard + heard * ids) / (ids_heard + ids)
    ids_heard += ids


def speak(text, stretch):
    ids = sum(len(voice.phonemes_to_ids(p)) for p in voice.phonemize(text))
    if not ids:
        return spoken(text, stretch)
    first = pace is None
    scale = scale_for(stretch)
    audio = spoken(text, scale)
    learn(ids, audio, scale)
    if first and scale_for(stretch) != scale:
        # The pace was a guess: speak again now that it is known.
        scale = scale_for(stretch)
        audio = spoken(text, scale)
    return audio


for line in sys.stdin:
    try:
        job = json.loads(line)
        audio = speak(job["text"], float(job["stretch"]))
        with wave.open(job["out"], "wb") as wav:
            wav.setframerate(rate)
            wav.setsampwidth(2)
            wav.setnchannels(1)
            wav.writeframes(audio)
        reply = "ok"
    except Exception as e:  # one bad part must not end the narration
        reply = "error " + " ".join(str(e).split())
    sys.stdout.write(reply + "\n")
    sys.stdout.flush()
